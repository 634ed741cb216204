using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Jobs;

/// <summary>
/// Runs durable jobs in the background: claims the next claimable job through the store (queued, or running under an
/// expired lease: a replica died, or this one restarted), runs its handler, renews the lease with each progress
/// heartbeat and stops the handler once the job is cancelled or the lease is lost. Concurrency is bounded per replica
/// (<see cref="JobOptions.LocalConcurrency"/>) and, through the claim's check in the database, per tenant and over all
/// replicas; a job whose expiry passed while it was queued (a batch past its completion window) is taken up beyond
/// those bounds, one at a time per replica, since its run only ends it. CPU work runs on one
/// <see cref="LowPriorityScheduler"/> per replica. At shutdown it releases the leases of the jobs it leaves unfinished,
/// so another replica, or this one restarted, takes them up at once. Singleton; thread-safe.
/// </summary>
internal sealed partial class JobRunner : BackgroundService
{
    private readonly IJobStore _store;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobOptions _options;
    private readonly ILogger<JobRunner> _logger;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly LowPriorityScheduler _scheduler;
    /// <summary>How long shutdown waits for running handlers to observe their cancellation before it leaves them.</summary>
    internal static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(2);

    private readonly List<Task> _running = [];

    // The jobs of kinds with slots of their own (Jobs:KindConcurrency), bounded on this replica apart from _running.
    private readonly List<Task> _apart = [];

    // The run of a job claimed past its expiry, beyond both bounds: one at a time on this replica.
    private readonly List<Task> _expiring = [];

    // The heartbeat of each job this replica claimed and has not finished: the leases to release at shutdown.
    private readonly ConcurrentDictionary<string, Task> _held = new(StringComparer.Ordinal);
    private int _disposed;

    public JobRunner(IStorage storage, IEnumerable<IJobHandler> handlers, IOptions<JobOptions> options, ILogger<JobRunner> logger)
    {
        _store = storage.Jobs;
        _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        _options = options.Value;
        _logger = logger;
        _scheduler = new LowPriorityScheduler(_options.ThreadsPerJob * _options.LocalConcurrency, "maas job", _options.Niceness);
    }

    /// <summary>This replica's name in <see cref="JobRecord.ClaimedBy"/>: new per process, so a restart never mistakes a dead run for its own.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Asks the runner to look for work now (after a submit on this replica).</summary>
    public void Wake() => _wake.Release();

    public override void Dispose()
    {
        // Both a singleton and a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        base.Dispose();
        _scheduler.Dispose();
        _wake.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var limits = new JobLimits(_options.GlobalConcurrency, _options.PerTenantConcurrency) { PerTenantOfKind = _options.KindConcurrency };
        var poll = TimeSpan.FromSeconds(_options.PollSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _running.RemoveAll(t => t.IsCompleted);
                _apart.RemoveAll(t => t.IsCompleted);
                _expiring.RemoveAll(t => t.IsCompleted);
                bool others = _running.Count < _options.LocalConcurrency, own = _apart.Count < _options.LocalConcurrency, ending = _expiring.Count == 0;
                if (others || own || ending)
                {
                    var claim = limits with { OwnSlots = others && own ? null : own, Expired = !ending ? false : others || own ? null : true };
                    var claimed = await _store.ClaimNextAsync(Owner, _options.Lease, claim, stoppingToken).ConfigureAwait(false);
                    if (claimed.IsSuccess && claimed.Value.Count > 0)
                    {
                        var job = claimed.Value[0];
                        var slots = ending && job.ExpiresAt <= DateTimeOffset.UtcNow ? _expiring : _options.KindConcurrency.ContainsKey(job.Kind) ? _apart : _running;
                        slots.Add(RunAsync(job, stoppingToken));
                        continue;
                    }

                    if (!claimed.IsSuccess)
                    {
                        LogClaimFailed(_logger, claimed.Error.Message);
                    }
                }

                // A finishing job frees a slot: look again soon rather than after a whole poll.
                var finished = _running.Count + _apart.Count + _expiring.Count > 0 ? Task.WhenAny(Runs) : Task.Delay(Timeout.Infinite, stoppingToken);
                await Task.WhenAny(_wake.WaitAsync(poll, stoppingToken), finished).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutdown: handlers see the token. CPU work checks it within a step, but a niced thread on a busy box may get
        // no CPU to do so for long: waiting for it held the exit until the host's shutdown timeout (30 s) and the
        // scheduler's join after it. So the handlers get ShutdownGrace, then the work is left to the scheduler's
        // background threads, which end with it or with the process; either way the job is left unfinished, and its
        // lease is released rather than left to run out, so the next claim (another replica's, or this one's after the
        // restart) takes it up at once instead of Jobs:LeaseSeconds later.
        var all = Task.WhenAll(Runs);
        if (await Task.WhenAny(all, Task.Delay(ShutdownGrace, CancellationToken.None)).ConfigureAwait(false) != all)
        {
            LogLeftRunning(_logger, Runs.Count(t => !t.IsCompleted), ShutdownGrace.TotalSeconds);
        }

        await ReleaseHeldAsync().ConfigureAwait(false);
    }

    private IEnumerable<Task> Runs => _running.Concat(_apart).Concat(_expiring);

    private async Task ReleaseHeldAsync()
    {
        foreach (var (id, heartbeat) in _held)
        {
            // The heartbeat stops with the shutdown's token; one still writing would extend the lease after the release.
            await Task.WhenAny(heartbeat, Task.Delay(ShutdownGrace, CancellationToken.None)).ConfigureAwait(false);
            var released = await _store.ReleaseAsync(id, Owner, CancellationToken.None).ConfigureAwait(false);
            if (released.IsSuccess)
            {
                LogReleased(_logger, id);
            }
            else
            {
                LogClaimFailed(_logger, released.Error.Message);
            }
        }

        _held.Clear();
    }

    private async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (job.Attempts > _options.MaxAttempts)
        {
            await FinishAsync(job, JobState.Failed, null, $"gave up after {job.Attempts - 1} attempts that did not finish").ConfigureAwait(false);
            return;
        }

        if (!_handlers.TryGetValue(job.Kind, out var handler))
        {
            await FinishAsync(job, JobState.Failed, null, $"this gateway has no handler for jobs of kind '{job.Kind}'").ConfigureAwait(false);
            return;
        }

        LogStarted(_logger, job.Id, job.Kind, job.Tenant, job.Attempts);
        using var overdue = new CancellationTokenSource(_options.MaxRun);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, overdue.Token);
        var execution = new JobExecution(job, _store, _scheduler, DateTimeOffset.UtcNow + _options.MaxRun, Owner);
        var heartbeat = HeartbeatAsync(job, execution, stop);
        _held[job.Id] = heartbeat;
        try
        {
            string result = await handler.RunAsync(execution, stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            await FinishAsync(job, JobState.Succeeded, result, null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (overdue.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            await heartbeat.ConfigureAwait(false);
            await FinishAsync(job, JobState.Failed, null, Overdue).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await heartbeat.ConfigureAwait(false);
            // Cancelled by its tenant or taken over: the store says so already. Shutdown: the lease is released.
            if (!stoppingToken.IsCancellationRequested)
            {
                _held.TryRemove(job.Id, out _);
            }

            LogStopped(_logger, job.Id);
        }
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            // Shutting down: work left behind by the grace may fail on services already disposed. Not the job's fault:
            // its lease is released and it runs again at the next claim.
            LogStopped(_logger, job.Id);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            // Work that turned the deadline's cancellation into a failure of its own (a cancelled inference) is overdue too.
            string message = overdue.IsCancellationRequested ? Overdue : e is JobFailedException ? e.Message : "the job failed unexpectedly; see the gateway log";
            if (e is not JobFailedException && !overdue.IsCancellationRequested)
            {
                LogCrashed(_logger, job.Id, e);
            }

            await FinishAsync(job, JobState.Failed, null, message).ConfigureAwait(false);
        }
    }

    private string Overdue => string.Create(CultureInfo.InvariantCulture, $"the job ran past its deadline (Jobs:MaxRunSeconds, {_options.MaxRunSeconds:0.###} s)");

    private async Task HeartbeatAsync(JobRecord job, JobExecution execution, CancellationTokenSource stop)
    {
        var interval = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, stop.Token).ConfigureAwait(false);
                var stored = await _store.HeartbeatAsync(job.Id, Owner, execution.Progress, _options.Lease, CancellationToken.None).ConfigureAwait(false);
                if (stored.IsSuccess && (stored.Value.State != JobState.Running || stored.Value.ClaimedBy != Owner))
                {
                    LogLost(_logger, job.Id, stored.Value.State);
                    await stop.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FinishAsync(JobRecord job, JobState state, string? result, string? error)
    {
        _held.TryRemove(job.Id, out _);
        var finished = await _store.FinishAsync(job.Id, Owner, state, result, error, CancellationToken.None).ConfigureAwait(false);
        if (finished.IsSuccess)
        {
            LogFinished(_logger, job.Id, finished.Value.State);
        }
        else
        {
            LogClaimFailed(_logger, finished.Error.Message);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) of tenant {Tenant} started, attempt {Attempt}")]
    private static partial void LogStarted(ILogger logger, string jobId, string kind, string tenant, int attempt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Job {JobId} ended {State}")]
    private static partial void LogFinished(ILogger logger, string jobId, JobState state);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Job {JobId} stopped before its end (cancelled, taken over or shutting down)")]
    private static partial void LogStopped(ILogger logger, string jobId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Job {JobId} is no longer this replica's ({State}); stopping it")]
    private static partial void LogLost(ILogger logger, string jobId, JobState state);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "The job store did not answer: {Reason}")]
    private static partial void LogClaimFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Shutting down with {Count} job(s) still in a CPU step after {Seconds} s; their leases are released for the next claim")]
    private static partial void LogLeftRunning(ILogger logger, int count, double seconds);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Job {JobId} left unfinished at shutdown; its lease is released, so the next claim takes it up at once")]
    private static partial void LogReleased(ILogger logger, string jobId);
}
