using System.Diagnostics;
using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// A runner that stops while its job is in a CPU step, over a real SQLite file: the step gets the shutdown's token and
/// ends with the runner (an in-process host no longer leaves it running after its dispose), and the job's lease is
/// released, so the runner started next (a restarted gateway, or another replica) claims it at once although the lease
/// (<c>Jobs:LeaseSeconds</c>) is five minutes.
/// </summary>
public sealed class JobRunnerShutdownTests
{
    private const string Kind = "test-cpu";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_DuringACpuStep_StepEndsAndTheNextRunnerClaimsTheJobAtOnce()
    {
        await using var world = await SqliteJobWorld.OpenAsync(Kind, Ct);
        var (storage, job) = (world.Storage, world.Job);
        var options = Options.Create(new JobOptions { LeaseSeconds = 300, HeartbeatSeconds = 0.1, PollSeconds = 0.1 });

        var spinning = new SpinningHandler();
        var first = new JobRunner(storage, [spinning], options, NullLogger<JobRunner>.Instance);
        await first.StartAsync(Ct);
        var step = await spinning.Step.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await first.StopAsync(Ct);
        first.Dispose();
        bool stepEnded = await Task.WhenAny(step, Task.Delay(TimeSpan.FromSeconds(10), Ct)) == step;
        var left = await storage.Jobs.GetAsync(job.Tenant, job.Id, Ct);

        var next = new ClaimingHandler();
        using var second = new JobRunner(storage, [next], options, NullLogger<JobRunner>.Instance);
        var clock = Stopwatch.StartNew();
        await second.StartAsync(Ct);
        var claimed = await Task.WhenAny(next.Claimed.Task, Task.Delay(TimeSpan.FromSeconds(30), Ct));
        await second.StopAsync(Ct);

        Assert.True(stepEnded, "the CPU step still ran 10 s after its runner stopped");
        Assert.True(left.Value is { State: JobState.Running } && left.Value.LeaseExpiresAt <= DateTimeOffset.UtcNow, $"left by the stopped runner: {left.Value}");
        Assert.True(claimed == next.Claimed.Task, $"not claimed within {clock.Elapsed.TotalSeconds:0} s of the next runner's start: {(await storage.Jobs.GetAsync(job.Tenant, job.Id, Ct)).Value}");
        Assert.Equal(2, (await next.Claimed.Task).Attempts);
    }

    // A CPU step on the runner's threads that looks at its token between slices of work, as the trainers do.
    private sealed class SpinningHandler : IJobHandler
    {
        public TaskCompletionSource<Task> Step { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => JobRunnerShutdownTests.Kind;

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            var step = execution.RunCpuAsync<string>(
                () =>
                {
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Thread.SpinWait(10_000);
                    }
                },
                cancellationToken);
            Step.TrySetResult(step);
            return await step;
        }
    }

    private sealed class ClaimingHandler : IJobHandler
    {
        public TaskCompletionSource<JobRecord> Claimed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => JobRunnerShutdownTests.Kind;

        public Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            Claimed.TrySetResult(execution.Job);
            return Task.FromResult("{}");
        }
    }
}
