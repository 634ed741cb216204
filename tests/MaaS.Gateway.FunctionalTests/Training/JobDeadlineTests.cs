using MaaS.Services.Jobs;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>
/// A job's run is bounded by <c>Jobs:MaxRunSeconds</c>: a handler still working at the deadline is stopped and the job
/// fails with the reason, on a real gateway with its real store and runner.
/// </summary>
public sealed class JobDeadlineTests
{
    [Fact]
    public async Task Runner_HandlerPastMaxRunSeconds_JobFailsAsOverdue()
    {
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Jobs:PollSeconds"] = "0.1",
            ["Jobs:HeartbeatSeconds"] = "0.1",
            ["Jobs:MaxRunSeconds"] = "1",
        }, services => services.AddSingleton<IJobHandler, UntilStoppedHandler>());
        var store = host.Services.GetRequiredService<IStorage>().Jobs;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(60));

        string id = Guid.NewGuid().ToString("N");
        var created = await store.CreateAsync(new NewJob(id, StorageLimits.DefaultTenant, UntilStoppedHandler.JobKind, "{}", new string('0', 64)), Array.Empty<byte>(), wait.Token);
        Assert.True(created.IsSuccess, created.Error?.Message);
        JobRecord job = created.Value!;
        while (!job.IsFinished)
        {
            await Task.Delay(100, wait.Token);
            job = (await store.GetAsync(StorageLimits.DefaultTenant, id, wait.Token)).Value!;
        }

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal("the job ran past its deadline (Jobs:MaxRunSeconds, 1 s)", job.Error);
        Assert.InRange((job.FinishedAt!.Value - job.StartedAt!.Value).TotalSeconds, 0.9, 30);
    }

    /// <summary>Works until it is stopped, as a job that outgrows its deadline does.</summary>
    private sealed class UntilStoppedHandler : IJobHandler
    {
        public const string JobKind = "test-until-stopped";

        public string Kind => JobKind;

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            Assert.InRange(execution.TimeLeft.TotalSeconds, 0.001, 1);
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return "unreachable";
        }
    }
}
