using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// <see cref="JobRetention"/> over a real SQLite file: a job that ended longer ago than
/// <c>Jobs:MaxEndedAgeSeconds</c> is deleted with its input, by one pass and by the running service; a queued job and a
/// job that ended more recently stay, and nothing goes while the setting is unset.
/// </summary>
public sealed class JobRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Purge_EndedLongerAgoThanTheAge_DeletedWithItsInputQueuedStays()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ended = await EndOneAsync(world);

        long unset = await Retention(world, null, TimeSpan.FromDays(3650)).PurgeAsync(Ct);
        long recent = await Retention(world, 3600, TimeSpan.Zero).PurgeAsync(Ct);
        long old = await Retention(world, 3600, TimeSpan.FromHours(2)).PurgeAsync(Ct);
        var endedAfter = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct);
        var inputAfter = await world.Storage.Jobs.GetInputAsync(ended.Id, Ct);

        Assert.Equal((0L, 0L, 1L), (unset, recent, old));
        Assert.Equal(ErrorCode.NotFound, endedAfter.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, inputAfter.Error?.Code);
        Assert.Equal(JobState.Queued, (await world.ReadAsync(Ct)).State);
    }

    [Fact]
    public async Task Started_WithAnAgeOfOneSecond_EndedJobGoneQueuedStays()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ended = await EndOneAsync(world);
        using var retention = Retention(world, 1, TimeSpan.Zero);
        await retention.StartAsync(Ct);
        var found = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); found.IsSuccess && waited.Elapsed < TimeSpan.FromSeconds(60); found = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct))
        {
            await Task.Delay(100, Ct);
        }

        await retention.StopAsync(Ct);

        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
        Assert.Equal(JobState.Queued, (await world.ReadAsync(Ct)).State);
    }

    private static JobRetention Retention(SqliteJobWorld world, double? maxEndedAgeSeconds, TimeSpan ahead) => new(
        world.Storage, Options.Create(new JobOptions { MaxEndedAgeSeconds = maxEndedAgeSeconds }), new ShiftedClock(ahead), NullLogger<JobRetention>.Instance);

    // A second job of the world's tenant, claimed and succeeded; the world's own job stays queued (it is created first,
    // so the claim would take it: this one is claimed by id through a tenant limit of its kind instead).
    private static async Task<NewJob> EndOneAsync(SqliteJobWorld world)
    {
        var job = world.Job with { Id = Guid.NewGuid().ToString("N"), Kind = "test-ended" };
        Assert.True((await world.Storage.Jobs.CreateAsync(job, new byte[] { 2 }, Ct)).IsSuccess);
        var limits = new JobLimits(4, 4) { PerTenantOfKind = new Dictionary<string, int> { [job.Kind] = 1 }, OwnSlots = true };
        Assert.Equal(job.Id, (await world.Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct)).Value.Single().Id);
        Assert.Equal(JobState.Succeeded, (await world.Storage.Jobs.FinishAsync(job.Id, "r", JobState.Succeeded, "{}", null, Ct)).Value.State);
        return job;
    }
}
