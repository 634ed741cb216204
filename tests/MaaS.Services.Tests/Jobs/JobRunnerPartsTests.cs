using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// A job's checkpoints (<see cref="JobExecution.SavePartAsync"/>, a batch's parts of its output) end with the job, over a
/// real SQLite file: a run that fails after storing one leaves none behind, as one that succeeds does, and so does one
/// its tenant cancels; a run another replica takes over leaves them to that replica, which resumes from them.
/// </summary>
public sealed class JobRunnerPartsTests
{
    private const string Kind = "test-parts";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_StoresAPartThenEnds_NoPartLeft(bool fails)
    {
        await using var world = await SqliteJobWorld.OpenAsync(Kind, Ct);
        var options = Options.Create(new JobOptions { HeartbeatSeconds = 0.1, PollSeconds = 0.1 });
        var handler = new PartThenHandler(fails ? End.Fail : End.Succeed);
        using var runner = new JobRunner(world.Storage, [handler], options, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        bool saved = await handler.Saved.Task.WaitAsync(Bound, Ct);
        var ended = await WaitForStateAsync(world, s => s is JobState.Failed or JobState.Succeeded);
        await runner.StopAsync(Ct);
        var parts = await world.Storage.Jobs.GetPartsAsync(world.Job.Id, Ct);

        Assert.True(saved, "the run could not store its part");
        Assert.Equal(fails ? JobState.Failed : JobState.Succeeded, ended.State);
        Assert.True(parts.IsSuccess, parts.Error?.Message);
        Assert.Empty(parts.Value);
    }

    [Fact]
    public async Task Run_StoresAPartThenItsTenantCancels_NoPartLeft()
    {
        await using var world = await SqliteJobWorld.OpenAsync(Kind, Ct);
        var options = Options.Create(new JobOptions { HeartbeatSeconds = 0.1, PollSeconds = 0.1 });
        var handler = new PartThenHandler(End.WaitForCancellation);
        using var runner = new JobRunner(world.Storage, [handler], options, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        bool saved = await handler.Saved.Task.WaitAsync(Bound, Ct);
        var cancelled = await world.Storage.Jobs.CancelAsync(world.Job.Tenant, world.Job.Id, Ct);
        bool stopped = await handler.Stopped.Task.WaitAsync(Bound, Ct);
        var parts = await WaitForPartsAsync(world, count => count == 0);
        await runner.StopAsync(Ct);

        Assert.True(saved, "the run could not store its part");
        Assert.True(cancelled.IsSuccess, cancelled.Error?.Message);
        Assert.True(stopped);
        Assert.Equal(JobState.Cancelled, (await world.ReadAsync(Ct)).State);
        Assert.Empty(parts);
    }

    [Fact]
    public async Task Run_StoresAPartThenIsTakenOver_PartsKeptForTheRunThatTookIt()
    {
        await using var world = await SqliteJobWorld.OpenAsync(Kind, Ct);
        // A lease shorter than the heartbeat: it lapses between beats, as a stalled replica's does, and another owner
        // claims the job; the next beat finds it taken. One local slot: the runner does not claim the job back itself.
        var options = Options.Create(new JobOptions { LeaseSeconds = 0.2, HeartbeatSeconds = 1, PollSeconds = 0.1, LocalConcurrency = 1, KindConcurrency = [] });
        var handler = new PartThenHandler(End.WaitForCancellation);
        using var runner = new JobRunner(world.Storage, [handler], options, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        bool saved = await handler.Saved.Task.WaitAsync(Bound, Ct);
        JobRecord? taken = null;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); taken is null && waited.Elapsed < Bound; await Task.Delay(20, Ct))
        {
            var claimed = await world.Storage.Jobs.ClaimNextAsync("another-replica", TimeSpan.FromMinutes(5), new JobLimits(4, 4), Ct);
            taken = claimed.IsSuccess && claimed.Value.Count > 0 ? claimed.Value[0] : null;
        }

        bool stopped = await handler.Stopped.Task.WaitAsync(Bound, Ct);
        await runner.StopAsync(Ct);
        var parts = await world.Storage.Jobs.GetPartsAsync(world.Job.Id, Ct);

        Assert.True(saved, "the run could not store its part");
        Assert.Equal("another-replica", taken?.ClaimedBy);
        Assert.True(stopped);
        Assert.True(parts.IsSuccess, parts.Error?.Message);
        Assert.Single(parts.Value);
    }

    private static async Task<JobRecord> WaitForStateAsync(SqliteJobWorld world, Func<JobState, bool> reached)
    {
        var job = await world.ReadAsync(Ct);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !reached(job.State) && waited.Elapsed < Bound; job = await world.ReadAsync(Ct))
        {
            await Task.Delay(50, Ct);
        }

        return job;
    }

    private static async Task<IReadOnlyList<JobPart>> WaitForPartsAsync(SqliteJobWorld world, Func<int, bool> reached)
    {
        var parts = (await world.Storage.Jobs.GetPartsAsync(world.Job.Id, Ct)).Value;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !reached(parts.Count) && waited.Elapsed < Bound; parts = (await world.Storage.Jobs.GetPartsAsync(world.Job.Id, Ct)).Value)
        {
            await Task.Delay(50, Ct);
        }

        return parts;
    }

    private enum End
    {
        Succeed,
        Fail,
        WaitForCancellation,
    }

    // Stores one checkpoint, then succeeds or fails without dropping it (as a handler that crashes after a checkpoint
    // does), or waits until its run is stopped.
    private sealed class PartThenHandler(End end) : IJobHandler
    {
        public TaskCompletionSource<bool> Saved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => JobRunnerPartsTests.Kind;

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            Saved.TrySetResult(await execution.SavePartAsync(new JobPart(0, [1, 2, 3], []), cancellationToken));
            if (end == End.WaitForCancellation)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    Stopped.TrySetResult(true);
                }
            }

            return end == End.Fail ? throw new JobFailedException("failed after its checkpoint") : "{}";
        }
    }
}
