namespace MaaS.Storage.Abstractions;

/// <summary>
/// Durable background jobs (training runs): each row is claimed by one runner at a time through the database with a
/// lease, so with several replicas over one store exactly one runs a job, and a job whose runner died (its lease
/// expired) is claimed again instead of being lost. The job's input (a dataset) is stored with it. Thread-safe; shared
/// as a singleton.
/// </summary>
public interface IJobStore
{
    /// <summary>Stores a queued job and its input in one transaction.</summary>
    ValueTask<Result<JobRecord>> CreateAsync(NewJob job, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default);

    /// <summary>The tenant's job, or <see cref="ErrorCode.NotFound"/> (also for another tenant's job).</summary>
    ValueTask<Result<JobRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the tenant's jobs, newest first (by creation time, then id, both descending): at most
    /// <paramref name="limit"/> of kind <paramref name="kind"/> (null: every kind) that come after
    /// <paramref name="after"/> in that order (null: from the newest). Pass the last job of a page to get the next.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<JobRecord>>> ListAsync(
        string tenant, string? kind, JobCursor? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The input stored with the job.</summary>
    ValueTask<Result<byte[]>> GetInputAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the oldest job that is queued, or running under an expired lease, for <paramref name="owner"/> until
    /// now + <paramref name="lease"/>, when fewer than <see cref="JobLimits.Global"/> jobs (and fewer than
    /// <see cref="JobLimits.PerTenant"/> of its tenant) hold a live lease. A queued job whose
    /// <see cref="NewJob.ExpiresAt"/> has passed comes first, the longest expired first, and beyond every limit (its run
    /// only ends it), unless <see cref="JobLimits.Expired"/> says otherwise. The check and the claim are one
    /// transaction, serialised across replicas. An empty list when nothing can be claimed.
    /// </summary>
    ValueTask<Result<IReadOnlyList<JobRecord>>> ClaimNextAsync(string owner, TimeSpan lease, JobLimits limits, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records progress and extends the lease while the job is still running under <paramref name="owner"/>; returns
    /// the job as stored, so a runner sees that it was cancelled or taken over (state or owner changed).
    /// </summary>
    ValueTask<Result<JobRecord>> HeartbeatAsync(string id, string owner, JobProgress progress, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the job (succeeded or failed) if it is still running under <paramref name="owner"/>; returns the job as
    /// stored (unchanged when it was cancelled or taken over meanwhile). The job's parts go in the same write.
    /// </summary>
    ValueTask<Result<JobRecord>> FinishAsync(string id, string owner, JobState state, string? result, string? error, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives up <paramref name="owner"/>'s lease of a job it leaves unfinished (a runner shutting down): the lease ends
    /// now, so the next claim of any runner takes the job up at once instead of after the lease; state, progress and
    /// attempts stay. Returns the job as stored (unchanged when it is no longer running under the owner).
    /// </summary>
    ValueTask<Result<JobRecord>> ReleaseAsync(string id, string owner, CancellationToken cancellationToken = default);

    /// <summary>Cancels the tenant's queued or running job, its parts dropped in the same write; a finished job is returned unchanged.</summary>
    ValueTask<Result<JobRecord>> CancelAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a checkpoint of a running job's results (a part of a batch's output and error files) while the job is
    /// still running under <paramref name="owner"/>, replacing a part of the same <see cref="JobPart.Seq"/>: true when
    /// stored, false when the job is no longer the owner's (cancelled or taken over), and nothing was stored. Parts
    /// live while the job may run again (a run taken over resumes from them) and end with it: finishing or cancelling
    /// the job drops them.
    /// </summary>
    ValueTask<Result<bool>> SavePartAsync(string id, string owner, JobPart part, CancellationToken cancellationToken = default);

    /// <summary>The job's stored parts, in <see cref="JobPart.Seq"/> order (none: an empty list).</summary>
    ValueTask<Result<IReadOnlyList<JobPart>>> GetPartsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> jobs of <paramref name="scope"/> that ended (succeeded, failed or
    /// cancelled) before <paramref name="before"/>, oldest first, with their inputs and parts; returns how many. It stops before the job
    /// whose input would take the inputs deleted past <paramref name="maxInputBytes"/>, the first job excepted, so one
    /// call deletes at least one job when any is due, and a batch of large inputs (a dataset, a batch's file) holds the
    /// store's writer no longer than a batch of small ones. Queued and running jobs are never deleted.
    /// </summary>
    ValueTask<Result<int>> PurgeEndedBeforeAsync(JobScope scope, DateTimeOffset before, int limit, long maxInputBytes, CancellationToken cancellationToken = default);
}

/// <summary>
/// Whose jobs a retention pass deletes: one tenant's (<see cref="Tenant"/>), or every tenant's but those of
/// <see cref="ExceptTenants"/> (the tenants with a retention of their own).
/// </summary>
public sealed record JobScope
{
    /// <summary>Every tenant's jobs.</summary>
    public static JobScope All { get; } = new();

    /// <summary>The one tenant, or null: every tenant but <see cref="ExceptTenants"/>.</summary>
    public string? Tenant { get; init; }

    /// <summary>Tenants left out when <see cref="Tenant"/> is null.</summary>
    public IReadOnlyCollection<string> ExceptTenants { get; init; } = [];

    /// <summary>One tenant's jobs.</summary>
    public static JobScope Of(string tenant) => new() { Tenant = tenant };
}

/// <summary>A checkpoint of a running job's results: bytes to append, in order, to its output and error files.</summary>
/// <param name="Seq">Its place among the job's parts, from 0.</param>
/// <param name="Output">Bytes of the output file (caller owns the array; the store does not keep it).</param>
/// <param name="Errors">Bytes of the error file.</param>
public sealed record JobPart(int Seq, byte[] Output, byte[] Errors);

/// <summary>A job to queue.</summary>
/// <param name="Id">Server-minted id (32 hex characters).</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Kind">Which handler runs it, e.g. <c>text-classification</c>.</param>
/// <param name="Request">The job's parameters as JSON.</param>
/// <param name="InputSha256">SHA-256 (lower-case hex) of the stored input.</param>
/// <param name="ExpiresAt">
/// When the job expires, or null: never. Its handler ends a job run past it at once (a batch past its completion
/// window answers its lines <c>batch_expired</c>), so a claim takes a queued job whose expiry passed before any other
/// and beyond every limit: it ends within a poll of its expiry instead of waiting for a slot that long jobs hold.
/// </param>
public sealed record NewJob(string Id, string Tenant, string Kind, string Request, string InputSha256, DateTimeOffset? ExpiresAt = null);

/// <summary>A place in a newest-first list of jobs: the job created at <paramref name="CreatedAt"/> with id <paramref name="Id"/>.</summary>
/// <param name="CreatedAt">The job's creation time as the store returned it.</param>
/// <param name="Id">The job's id.</param>
public sealed record JobCursor(DateTimeOffset CreatedAt, string Id)
{
    /// <summary>The place of a stored job.</summary>
    public static JobCursor Of(JobRecord job) => new(job.CreatedAt, job.Id);
}

/// <summary>Concurrency limits of <see cref="IJobStore.ClaimNextAsync"/>.</summary>
/// <param name="Global">Most jobs running at once over every replica sharing the store.</param>
/// <param name="PerTenant">Most jobs of one tenant running at once (of the kinds without slots of their own).</param>
public sealed record JobLimits(int Global, int PerTenant)
{
    private static readonly Dictionary<string, int> NoKinds = new(StringComparer.Ordinal);

    /// <summary>
    /// Kinds with slots of their own: a tenant runs at most this many jobs of each at once, counted apart from its
    /// other jobs (which <see cref="PerTenant"/> bounds), so a long batch does not hold the slot a training needs.
    /// <see cref="Global"/> bounds every job.
    /// </summary>
    public IReadOnlyDictionary<string, int> PerTenantOfKind { get; init; } = NoKinds;

    /// <summary>
    /// Which jobs a claim may take: null any; true only jobs of the kinds in <see cref="PerTenantOfKind"/>; false only
    /// the others (a replica whose own slots of one sort are full).
    /// </summary>
    public bool? OwnSlots { get; init; }

    /// <summary>
    /// How a claim takes the queued jobs whose <see cref="NewJob.ExpiresAt"/> passed: null before any other and beyond
    /// every limit (the default); true only those (a replica whose slots are full, <see cref="OwnSlots"/> then
    /// unused); false under the limits and in order, as any other job (a replica already ending an expired one).
    /// </summary>
    public bool? Expired { get; init; }
}

/// <summary>What a runner reports while a job runs.</summary>
/// <param name="Phase">Current phase (e.g. <c>cross-validation</c>).</param>
/// <param name="Progress">Fraction done in [0, 1].</param>
/// <param name="Metrics">Metrics so far as JSON, or null to keep the stored ones.</param>
public sealed record JobProgress(string Phase, double Progress, string? Metrics);

/// <summary>Life cycle of a job.</summary>
public enum JobState
{
    /// <summary>Waiting for a runner.</summary>
    Queued,

    /// <summary>Claimed by a runner whose lease is live (or expired: then claimable again).</summary>
    Running,

    /// <summary>Done; <see cref="JobRecord.Result"/> holds the outcome.</summary>
    Succeeded,

    /// <summary>Gave up; <see cref="JobRecord.Error"/> says why.</summary>
    Failed,

    /// <summary>Cancelled by its tenant.</summary>
    Cancelled,
}

/// <summary>The one vocabulary of <see cref="JobState"/>: the words the stores keep and every job answer says.</summary>
public static class JobStates
{
    /// <summary>Every state's word, in life-cycle order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<JobState>().Select(Name)];

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public static string Name(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        _ => "cancelled",
    };

    /// <summary>The state a stored word names (<see cref="Name"/>'s inverse); an unknown word reads as cancelled.</summary>
    public static JobState Parse(string name) => name switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        _ => JobState.Cancelled,
    };

    /// <summary>Whether a job in <paramref name="state"/> has ended.</summary>
    public static bool IsFinished(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}

/// <summary>A stored job.</summary>
/// <remarks><c>ExpiresAt</c>: the <see cref="NewJob.ExpiresAt"/> it was created with.</remarks>
public sealed record JobRecord(
    string Id,
    string Tenant,
    string Kind,
    JobState State,
    string Phase,
    double Progress,
    string? Metrics,
    string Request,
    string? Result,
    string? Error,
    string InputSha256,
    long InputBytes,
    string? ClaimedBy,
    DateTimeOffset? LeaseExpiresAt,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt = null)
{
    /// <summary>Whether the job has ended (succeeded, failed or cancelled).</summary>
    public bool IsFinished => JobStates.IsFinished(State);
}
