using System.Diagnostics;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>Coalescing, deferral and stopping of <see cref="RebuildJobs"/>, over a real store and builder.</summary>
public sealed class RebuildJobsTests
{
    private const string Tenant = RecommendationServices.Tenant;

    [Fact]
    public async Task Enqueue_WhileOneRunsAndOneIsQueued_JoinsTheQueuedJob()
    {
        await using var services = await RecommendationServices.StartAsync();
        await services.AppendAsync(("u1", "a", "play"), ("u1", "b", "play"), ("u2", "a", "play"));
        var jobs = services.Get<RebuildJobs>();
        var state = await services.Get<TenantStates>().GetAsync(Tenant, Ct);
        RebuildJob second;
        Task<RebuildJob> secondDone, firstDone;
        // Holding the tenant's build gate keeps the first job running (it waits for the gate) while more requests arrive.
        using (await state.BeginBuildAsync(Ct))
        {
            (var first, firstDone) = jobs.Enqueue(Tenant, RebuildTrigger.Api).Value;
            await UntilAsync(() => jobs.Find(Tenant, first.Id).Value.Status == "running");

            (second, secondDone) = jobs.Enqueue(Tenant, RebuildTrigger.Api).Value;
            var third = jobs.Enqueue(Tenant, RebuildTrigger.Erasure).Value.Job;
            var fourth = await jobs.RequestAsync(Tenant, Ct);

            Assert.NotEqual(first.Id, second.Id);
            Assert.Equal(second.Id, third.Id);
            Assert.Equal(second.Id, fourth.Value.Id);
            Assert.Equal(3, fourth.Value.Requests);
            Assert.Equal(["queued", "running"], jobs.Recent(Tenant).Select(j => j.Status));
        }

        var done = await secondDone.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(JobState.Succeeded, (await firstDone).Status);
        Assert.Equal(JobState.Succeeded, done.Status);
        Assert.Equal(2, done.Result!.Version);
        Assert.Equal(2, jobs.Recent(Tenant).Count);
    }

    [Fact]
    public async Task Enqueue_ErasureOnly_WaitsTheDelayUntilAnAdminJoins()
    {
        await using var services = await RecommendationServices.StartAsync(o => o.ErasureRebuildDelaySeconds = 600);
        await services.AppendAsync(("u1", "a", "play"), ("u1", "b", "play"));
        var jobs = services.Get<RebuildJobs>();

        var (erasure, done) = jobs.Enqueue(Tenant, RebuildTrigger.Erasure).Value;
        await Task.Delay(300, Ct);
        Assert.Equal("queued", jobs.Find(Tenant, erasure.Id).Value.Status);

        var admin = await jobs.RequestAsync(Tenant, Ct);

        Assert.Equal(erasure.Id, admin.Value.Id);
        var finished = await done.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(JobState.Succeeded, finished.Status);
        Assert.Equal(RebuildTrigger.Erasure, finished.Trigger);
    }

    [Fact]
    public async Task EraseAsync_SixtyUsers_OneDeferredBuildWithoutTheirEvents()
    {
        await using var services = await RecommendationServices.StartAsync(o => o.ErasureRebuildDelaySeconds = 2);
        var users = Enumerable.Range(0, 60).Select(i => $"user-{i}").ToArray();
        await services.AppendAsync([.. users.SelectMany(u => new[] { (u, "a", "play"), (u, "b", "play") }), ("keeper", "a", "play"), ("keeper", "c", "play")]);
        await services.RebuildAsync();
        var erasure = services.Get<UserErasure>();

        var erased = await Task.WhenAll(users.Select(u => erasure.EraseAsync(Tenant, u, Ct).AsTask()));

        Assert.All(erased, e => Assert.Equal(2, e.Value.EventsDeleted));
        var jobs = services.Get<RebuildJobs>();
        var queued = Assert.Single(jobs.Recent(Tenant), j => j.Status == "queued");
        Assert.Equal(60, queued.Requests);
        await UntilAsync(() => jobs.Find(Tenant, queued.Id).Value.Status == "succeeded");
        var built = jobs.Find(Tenant, queued.Id).Value.Result!;
        Assert.Equal(2, built.Version);
        Assert.Equal(2, built.Events);
        Assert.Equal(1, built.Users);
    }

    [Fact]
    public async Task StopAsync_RunningAndQueued_BothCancelledThenRefused()
    {
        await using var services = await RecommendationServices.StartAsync();
        await services.AppendAsync(("u1", "a", "play"), ("u1", "b", "play"));
        var jobs = services.Get<RebuildJobs>();
        var state = await services.Get<TenantStates>().GetAsync(Tenant, Ct);
        using var gate = await state.BeginBuildAsync(Ct);
        var (running, runningDone) = jobs.Enqueue(Tenant, RebuildTrigger.Api).Value;
        await UntilAsync(() => jobs.Find(Tenant, running.Id).Value.Status == "running");
        var (_, queuedDone) = jobs.Enqueue(Tenant, RebuildTrigger.Api).Value;

        await jobs.StopAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(JobState.Cancelled, (await runningDone).Status);
        Assert.Equal(JobState.Cancelled, (await queuedDone).Status);
        Assert.Equal(ErrorCode.ModelNotReady, jobs.Enqueue(Tenant, RebuildTrigger.Api).Error?.Code);
        Assert.Equal(["cancelled", "cancelled"], jobs.Recent(Tenant).Select(j => j.Status));
    }

    [Fact]
    public async Task RequestAsync_NothingStored_ConflictAndNoJob()
    {
        await using var services = await RecommendationServices.StartAsync();
        var jobs = services.Get<RebuildJobs>();

        var refused = await jobs.RequestAsync(Tenant, Ct);

        Assert.Equal(ErrorCode.Conflict, refused.Error?.Code);
        Assert.Empty(jobs.Recent(Tenant));
    }

    [Fact]
    public async Task Find_OtherTenantsJob_NotFound()
    {
        await using var services = await RecommendationServices.StartAsync();
        await services.AppendAsync(("u1", "a", "play"));
        var jobs = services.Get<RebuildJobs>();

        var job = await jobs.RequestAsync(Tenant, Ct);

        Assert.Equal(ErrorCode.NotFound, jobs.Find("globex", job.Value.Id).Error?.Code);
        Assert.True(jobs.Find(Tenant, job.Value.Id).IsSuccess);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "condition not met within 30 s");
            await Task.Delay(20, Ct);
        }
    }
}
