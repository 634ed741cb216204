namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Index rebuilds as jobs, coalesced per tenant: at most one running and one queued; a request while one is queued
/// joins it (same id). A queued job that only erasures asked for waits
/// <see cref="RecommendationOptions.ErasureRebuildDelaySeconds"/> after it was queued and after the tenant's previous
/// build, so a burst of erasures is one build; any other request makes it start as soon as one of the
/// <see cref="RecommendationOptions.MaxConcurrentBuilds"/> slots is free. Every build runs under the deadline
/// <see cref="RecommendationOptions.BuildTimeoutSeconds"/>: past it the build is stopped and the job fails with the
/// reason, the serving version kept. The last <see cref="FinishedPerTenant"/> finished jobs per tenant are kept (in
/// memory, per replica: see <see cref="RebuildJob"/>). Thread-safe.
/// </summary>
internal sealed partial class RebuildJobs(
    IndexBuilder builder,
    BuildAdmission admission,
    IOptions<RecommendationOptions> options,
    TimeProvider time,
    ILogger<RebuildJobs> logger) : IAsyncDisposable
{
    /// <summary>Finished jobs kept per tenant for <c>GET /v1/recommendations/rebuilds</c>.</summary>
    public const int FinishedPerTenant = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _builds = new(options.Value.MaxConcurrentBuilds, options.Value.MaxConcurrentBuilds);
    private readonly CancellationTokenSource _stopping = new();
    private bool _stopped;

    /// <summary>
    /// An admin's rebuild: refused at once (<see cref="ErrorCode.Unsupported"/> naming the limit) when the store's
    /// counts are beyond the limits, <see cref="ErrorCode.Conflict"/> when there is nothing to build; else the queued
    /// job, new or joined.
    /// </summary>
    public async ValueTask<Result<RebuildJobResponse>> RequestAsync(string tenant, CancellationToken cancellationToken)
    {
        var admitted = await admission.CheckStoreAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (!admitted.IsSuccess)
        {
            return admitted.Error;
        }

        var queued = Enqueue(tenant, RebuildTrigger.Api);
        return queued.IsSuccess ? queued.Value.Job.ToResponse(time.GetUtcNow()) : queued.Error;
    }

    /// <summary>
    /// Queues a rebuild (or joins the queued one) without checking the store first (the build checks it); returns
    /// the job and a task that completes with it once finished. Fails only while stopping. A durable job passes its
    /// <paramref name="id"/> so the in-memory job, which carries the live progress, answers under the same id, and a
    /// <paramref name="progress"/> callback, told each stage as the build begins it with the job's progress then
    /// (on the build's thread, outside this object's lock: it must be quick).
    /// </summary>
    public Result<(RebuildJob Job, Task<RebuildJob> Finished)> Enqueue(
        string tenant, RebuildTrigger trigger, string? id = null, Action<string, double>? progress = null)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return new Error(ErrorCode.ModelNotReady, "the service is stopping; no rebuild is queued");
            }

            if (!_slots.TryGetValue(tenant, out var slot))
            {
                slot = new Slot(tenant);
                _slots.Add(tenant, slot);
            }

            if (progress is not null)
            {
                slot.QueuedObservers.Add(progress);
            }

            if (slot.Queued is { } queued)
            {
                slot.Queued = queued with { Requests = queued.Requests + 1 };
                if (trigger != RebuildTrigger.Erasure && slot.Deferred)
                {
                    slot.Deferred = false;
                    slot.Wake.TrySetResult();
                }

                return (slot.Queued, slot.QueuedDone!.Task);
            }

            slot.Queued = new RebuildJob(id ?? Guid.NewGuid().ToString("N"), tenant, JobState.Queued, trigger, 1, time.GetUtcNow());
            slot.QueuedDone = new TaskCompletionSource<RebuildJob>(TaskCreationOptions.RunContinuationsAsynchronously);
            slot.Deferred = trigger == RebuildTrigger.Erasure;
            slot.Worker ??= Task.Run(() => RunAsync(slot));
            return (slot.Queued, slot.QueuedDone.Task);
        }
    }

    /// <summary>One of the tenant's jobs (queued, running or among the last finished), or <see cref="ErrorCode.NotFound"/>.</summary>
    public Result<RebuildJobResponse> Find(string tenant, string id)
    {
        lock (_lock)
        {
            var job = _slots.TryGetValue(tenant, out var slot) ? slot.Jobs().FirstOrDefault(j => j.Id == id) : null;
            return job is null ? Error.NotFound("rebuild job") : job.ToResponse(time.GetUtcNow());
        }
    }

    /// <summary>The tenant's queued and running jobs, then the last finished ones, newest first.</summary>
    public IReadOnlyList<RebuildJobResponse> Recent(string tenant)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            return _slots.TryGetValue(tenant, out var slot) ? [.. slot.Jobs().Select(j => j.ToResponse(now))] : [];
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Cancels the running builds and the queued jobs (they end <c>cancelled</c>) and waits for the workers
    /// to end; later requests are refused.</summary>
    public async Task StopAsync()
    {
        Task[] workers;
        lock (_lock)
        {
            _stopped = true;
            workers = [.. _slots.Values.Select(s => s.Worker).OfType<Task>()];
        }

        // Outside the lock: cancellation runs the workers' callbacks, and they take it.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>A tenant's worker: runs its queued job, one at a time, until none is queued.</summary>
    private async Task RunAsync(Slot slot)
    {
        while (true)
        {
            TimeSpan wait;
            Task wake;
            lock (_lock)
            {
                if (slot.Queued is null)
                {
                    slot.Worker = null;
                    return;
                }

                wake = slot.Wake.Task;
                wait = slot.Deferred ? DeferredUntil(slot) - time.GetUtcNow() : TimeSpan.Zero;
            }

            if (wait > TimeSpan.Zero && !_stopping.IsCancellationRequested)
            {
                await Task.WhenAny(Task.Delay(wait, time, _stopping.Token), wake).ConfigureAwait(false);
                continue;
            }

            try
            {
                await _builds.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                CancelQueued(slot);
                continue;
            }

            try
            {
                RebuildJob job;
                lock (_lock)
                {
                    job = slot.Queued! with { Status = JobState.Running, StartedAt = time.GetUtcNow() };
                    (slot.Running, slot.RunningDone, slot.RunningObservers) = (job, slot.QueuedDone, slot.QueuedObservers);
                    (slot.Queued, slot.QueuedDone, slot.Deferred, slot.QueuedObservers) = (null, null, false, []);
                    slot.Wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                var finished = await ExecuteAsync(slot, job).ConfigureAwait(false);
                TaskCompletionSource<RebuildJob>? done;
                lock (_lock)
                {
                    done = slot.RunningDone;
                    (slot.Running, slot.RunningDone, slot.RunningObservers, slot.LastFinishedAt) = (null, null, [], finished.FinishedAt);
                    slot.Keep(finished);
                }

                done?.TrySetResult(finished);
            }
            finally
            {
                _builds.Release();
            }
        }
    }

    private DateTimeOffset DeferredUntil(Slot slot)
    {
        var delay = TimeSpan.FromSeconds(options.Value.ErasureRebuildDelaySeconds);
        var from = slot.LastFinishedAt is { } last && last > slot.Queued!.CreatedAt ? last : slot.Queued!.CreatedAt;
        return from + delay;
    }

    private async Task<RebuildJob> ExecuteAsync(Slot slot, RebuildJob job)
    {
        double timeout = options.Value.BuildTimeoutSeconds;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            var built = await builder.BuildAsync(job.Tenant, stage => Progress(slot, stage), deadline.Token).ConfigureAwait(false);
            if (built.TryGetValue(out var result, out var error))
            {
                return job.Finished(JobState.Succeeded, time.GetUtcNow(), result);
            }

            if (error.Code == ErrorCode.Conflict)
            {
                LogNothingToBuild(logger, job.Tenant);
            }
            else
            {
                LogBuildFailed(logger, job.Tenant, error.Message, null);
            }

            return job.Finished(JobState.Failed, time.GetUtcNow(), error: error.Message);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return job.Finished(JobState.Cancelled, time.GetUtcNow(), error: "the service stopped before the build finished; the serving version is kept");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            string reason = string.Create(CultureInfo.InvariantCulture, $"the build passed its deadline (Recommendations:BuildTimeoutSeconds = {timeout} s) and was stopped");
            LogBuildFailed(logger, job.Tenant, reason, null);
            return job.Finished(JobState.Failed, time.GetUtcNow(), error: reason + "; the serving version is kept");
        }
        catch (Exception e)
        {
            LogBuildFailed(logger, job.Tenant, e.Message, e);
            return job.Finished(JobState.Failed, time.GetUtcNow(), error: "the build failed; the serving version is kept");
        }
    }

    private void Progress(Slot slot, string stage)
    {
        RebuildJob running;
        List<Action<string, double>> observers;
        lock (_lock)
        {
            if (slot.Running is not { } job)
            {
                return;
            }

            running = slot.Running = job with { Stage = stage };
            observers = slot.RunningObservers;
        }

        foreach (var observe in observers)
        {
            observe(stage, running.Progress);
        }
    }

    private void CancelQueued(Slot slot)
    {
        TaskCompletionSource<RebuildJob>? done;
        RebuildJob? cancelled = null;
        lock (_lock)
        {
            done = slot.QueuedDone;
            if (slot.Queued is { } queued)
            {
                cancelled = queued.Finished(JobState.Cancelled, time.GetUtcNow(), error: "the service stopped before the build started");
                slot.Keep(cancelled);
            }

            (slot.Queued, slot.QueuedDone, slot.QueuedObservers) = (null, null, []);
        }

        if (cancelled is not null)
        {
            done?.TrySetResult(cancelled);
        }
    }

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Tenant {Tenant} has no events or items yet; its index is built once it has")]
    private static partial void LogNothingToBuild(ILogger logger, string tenant);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Index rebuild of tenant {Tenant} failed ({Reason}); the serving version is kept")]
    private static partial void LogBuildFailed(ILogger logger, string tenant, string? reason, Exception? exception);

    /// <summary>A tenant's jobs; every field is guarded by the owner's lock.</summary>
    private sealed class Slot(string tenant)
    {
        private readonly Queue<RebuildJob> _finished = new();

        public string Tenant { get; } = tenant;

        public RebuildJob? Queued { get; set; }

        public TaskCompletionSource<RebuildJob>? QueuedDone { get; set; }

        /// <summary>The progress callbacks of the queued job's requests; they move with it to <see cref="RunningObservers"/>.</summary>
        public List<Action<string, double>> QueuedObservers { get; set; } = [];

        /// <summary>Only erasures asked for the queued job: it waits out the erasure delay.</summary>
        public bool Deferred { get; set; }

        /// <summary>Completed when a request that must not wait joins a deferred job.</summary>
        public TaskCompletionSource Wake { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RebuildJob? Running { get; set; }

        public TaskCompletionSource<RebuildJob>? RunningDone { get; set; }

        /// <summary>Replaced, never changed in place, once the job runs: <see cref="Progress"/> calls them outside the lock.</summary>
        public List<Action<string, double>> RunningObservers { get; set; } = [];

        public DateTimeOffset? LastFinishedAt { get; set; }

        public Task? Worker { get; set; }

        public void Keep(RebuildJob finished)
        {
            _finished.Enqueue(finished);
            while (_finished.Count > FinishedPerTenant)
            {
                _finished.Dequeue();
            }
        }

        /// <summary>Newest first: queued, running, then finished.</summary>
        public IEnumerable<RebuildJob> Jobs()
        {
            if (Queued is not null)
            {
                yield return Queued;
            }

            if (Running is not null)
            {
                yield return Running;
            }

            foreach (var job in _finished.Reverse())
            {
                yield return job;
            }
        }
    }
}
