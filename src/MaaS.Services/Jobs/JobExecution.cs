namespace MaaS.Services.Jobs;

/// <summary>
/// One run of a claimed job as its handler sees it: the record, its stored input, progress reporting (written by the
/// runner's heartbeat), checkpoints of its results held to this run's claim, its deadline and a place to run CPU work at
/// low priority on bounded threads. Thread-safe.
/// </summary>
internal sealed class JobExecution(JobRecord job, IJobStore store, TaskScheduler scheduler, DateTimeOffset deadline, string owner)
{
    private JobProgress _progress = new("starting", 0, null);

    public JobRecord Job { get; } = job;

    /// <summary>When this run is stopped as overdue (<c>Jobs:MaxRunSeconds</c> after it started).</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>
    /// Time left before <see cref="Deadline"/>, at least a millisecond: the timeout of inference the job asks for, so a
    /// long pass is bounded by the job's deadline rather than by the serving timeout of one client request.
    /// </summary>
    public TimeSpan TimeLeft => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (Deadline - DateTimeOffset.UtcNow).Ticks));

    /// <summary>The latest progress reported.</summary>
    public JobProgress Progress => Volatile.Read(ref _progress);

    /// <summary>Records progress; the runner writes it with the next heartbeat.</summary>
    public void Report(string phase, double fraction, string? metrics = null) =>
        Volatile.Write(ref _progress, new JobProgress(phase, fraction, metrics ?? Volatile.Read(ref _progress).Metrics));

    /// <summary>The input stored with the job.</summary>
    public async Task<byte[]> ReadInputAsync(CancellationToken cancellationToken)
    {
        var input = await store.GetInputAsync(Job.Id, cancellationToken).ConfigureAwait(false);
        return input.IsSuccess ? input.Value : throw new JobFailedException($"the job's input could not be read: {input.Error.Message}");
    }

    /// <summary>The checkpoints earlier runs of the job stored, in order (none on a first run).</summary>
    public async Task<IReadOnlyList<JobPart>> ReadPartsAsync(CancellationToken cancellationToken)
    {
        var parts = await store.GetPartsAsync(Job.Id, cancellationToken).ConfigureAwait(false);
        return parts.IsSuccess ? parts.Value : throw new JobFailedException($"the job's checkpoints could not be read: {parts.Error.Message}");
    }

    /// <summary>
    /// Stores a checkpoint while this run still holds the job: false when it no longer does (cancelled or taken over;
    /// the heartbeat stops the run), a <see cref="JobFailedException"/> when the store fails.
    /// </summary>
    public async Task<bool> SavePartAsync(JobPart part, CancellationToken cancellationToken)
    {
        var saved = await store.SavePartAsync(Job.Id, owner, part, cancellationToken).ConfigureAwait(false);
        return saved.IsSuccess ? saved.Value : throw new JobFailedException($"the job's checkpoint could not be stored: {saved.Error.Message}");
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the runner's low-priority threads; parallel loops inside it inherit the
    /// scheduler, so they stay within the job's thread budget.
    /// </summary>
    public Task<T> RunCpuAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, scheduler);
}
