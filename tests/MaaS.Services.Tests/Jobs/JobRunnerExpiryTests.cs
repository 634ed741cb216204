using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// A job whose expiry passed while it was queued (a batch past its completion window) is taken up beyond the runner's
/// bounds, over a real SQLite file: every slot held by a long job, the expired one still runs (its run only ends it),
/// one at a time per replica, while a queued job not expired waits for a slot.
/// </summary>
public sealed class JobRunnerExpiryTests
{
    private const string Hold = "test-hold";
    private const string End = "test-end";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // One slot on the replica, one over all replicas and one per tenant: the held job fills every bound.
    private static readonly IOptions<JobOptions> OneSlot = Options.Create(new JobOptions
    {
        HeartbeatSeconds = 0.1, PollSeconds = 0.1, LocalConcurrency = 1, GlobalConcurrency = 1, PerTenantConcurrency = 1, KindConcurrency = [],
    });

    [Fact]
    public async Task Run_EverySlotHeld_AJobPastItsExpiryRunsAndOneNotExpiredWaits()
    {
        await using var world = await SqliteJobWorld.OpenAsync(Hold, Ct);
        var hold = new GateHandler(Hold);
        var end = new GateHandler(End);
        end.Open();
        using var runner = new JobRunner(world.Storage, [hold, end], OneSlot, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        await hold.Started.Task.WaitAsync(Bound, Ct);
        var expired = await CreateAsync(world, End, DateTimeOffset.UtcNow.AddSeconds(-1));
        var waiting = await CreateAsync(world, End, DateTimeOffset.UtcNow.AddHours(1));
        runner.Wake();

        var ended = await WaitForAsync(world, expired, JobState.Succeeded);
        var held = await world.ReadAsync(Ct);
        var queued = (await world.Storage.Jobs.GetAsync(world.Job.Tenant, waiting, Ct)).Value;
        hold.Open();
        var after = await WaitForAsync(world, waiting, JobState.Succeeded);
        await runner.StopAsync(Ct);

        // The expired job ended while the held one still ran; the one not expired waited for the slot, then ran.
        Assert.Equal((JobState.Succeeded, JobState.Running), (ended.State, held.State));
        Assert.Equal((JobState.Queued, JobState.Succeeded), (queued.State, after.State));
    }

    [Fact]
    public async Task Run_TwoJobsPastTheirExpiry_OneAtATimeBeyondTheSlots()
    {
        await using var world = await SqliteJobWorld.OpenAsync(Hold, Ct);
        var hold = new GateHandler(Hold);
        var end = new GateHandler(End);
        using var runner = new JobRunner(world.Storage, [hold, end], OneSlot, NullLogger<JobRunner>.Instance);
        await runner.StartAsync(Ct);
        await hold.Started.Task.WaitAsync(Bound, Ct);
        var first = await CreateAsync(world, End, DateTimeOffset.UtcNow.AddSeconds(-2));
        var second = await CreateAsync(world, End, DateTimeOffset.UtcNow.AddSeconds(-1));
        runner.Wake();

        await end.Started.Task.WaitAsync(Bound, Ct);
        // Several polls while the first expired run is held: the second is not taken up beside it.
        await Task.Delay(500, Ct);
        var secondWhileFirstRuns = (await world.Storage.Jobs.GetAsync(world.Job.Tenant, second, Ct)).Value;
        var firstWhileItRuns = (await world.Storage.Jobs.GetAsync(world.Job.Tenant, first, Ct)).Value;
        end.Open();
        var secondEnded = await WaitForAsync(world, second, JobState.Succeeded);
        hold.Open();
        await runner.StopAsync(Ct);

        Assert.Equal(JobState.Running, firstWhileItRuns.State);
        Assert.Equal(JobState.Queued, secondWhileFirstRuns.State);
        Assert.Equal(JobState.Succeeded, secondEnded.State);
        Assert.Equal(1, end.MostAtOnce);
    }

    private static async Task<string> CreateAsync(SqliteJobWorld world, string kind, DateTimeOffset expiresAt)
    {
        var job = new NewJob(Guid.NewGuid().ToString("N"), world.Job.Tenant, kind, "{}", new string('a', 64), expiresAt);
        var created = await world.Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return job.Id;
    }

    private static async Task<JobRecord> WaitForAsync(SqliteJobWorld world, string id, JobState state)
    {
        var job = (await world.Storage.Jobs.GetAsync(world.Job.Tenant, id, Ct)).Value;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); job.State != state && waited.Elapsed < Bound; job = (await world.Storage.Jobs.GetAsync(world.Job.Tenant, id, Ct)).Value)
        {
            await Task.Delay(20, Ct);
        }

        return job;
    }

    // Runs each job until its gate opens (or its run is stopped); counts the runs at once.
    private sealed class GateHandler(string kind) : IJobHandler
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private int _most;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MostAtOnce => Volatile.Read(ref _most);

        public string Kind => kind;

        public void Open() => _gate.TrySetResult();

        public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
        {
            int now = Interlocked.Increment(ref _running);
            for (int most = Volatile.Read(ref _most); now > most; most = Volatile.Read(ref _most))
            {
                Interlocked.CompareExchange(ref _most, now, most);
            }

            Started.TrySetResult();
            try
            {
                await _gate.Task.WaitAsync(cancellationToken);
                return "{}";
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
