namespace MaaS.Services.Jobs;

/// <summary>Settings of the background job runner (section <c>Jobs</c>).</summary>
internal sealed class JobOptions : IValidatableObject
{
    public const string SectionName = "Jobs";

    /// <summary>Whether this replica runs jobs (a replica that only accepts them can turn it off). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most jobs running at once over every replica sharing the store. Default 2.</summary>
    [Range(1, 64)]
    public int GlobalConcurrency { get; set; } = 2;

    /// <summary>Most jobs of one tenant running at once (over every replica). Default 1.</summary>
    [Range(1, 64)]
    public int PerTenantConcurrency { get; set; } = 1;

    /// <summary>
    /// Job kinds with slots of their own, and how many of each one tenant may run at once: such a job is counted apart
    /// from the tenant's other jobs (<see cref="PerTenantConcurrency"/> bounds those) and, on each replica, apart from
    /// them too (<see cref="LocalConcurrency"/> of each sort), so a tenant's training does not queue behind its
    /// 50,000-line batch. <see cref="GlobalConcurrency"/> still bounds every job. Default: <c>openai-batch</c> 1 (a
    /// batch's model calls go through serving's fair work queue, not the job threads).
    /// </summary>
    public Dictionary<string, int> KindConcurrency { get; set; } = new(StringComparer.Ordinal) { [Batches.BatchJobHandler.JobKind] = 1 };

    /// <summary>Most jobs this replica runs at once (of each sort: the kinds with slots of their own, and the others). Default 1.</summary>
    [Range(1, 64)]
    public int LocalConcurrency { get; set; } = 1;

    /// <summary>
    /// Threads one job's CPU work may use, at the lowest scheduling priority; with the default 1 a training run never
    /// takes more than one core from serving. Default 1.
    /// </summary>
    [Range(1, 64)]
    public int ThreadsPerJob { get; set; } = 1;

    /// <summary>
    /// The Linux nice value of the job threads, 0 (serving's own weight) to 19 (the least). When serving keeps every core
    /// busy, CFS gives a job thread CPU in proportion to its weight against each runnable serving thread's 1,024: 110 at
    /// 10, 15 at 19 (the value before this setting), so at 19 a saturating load can all but stop a job, while at 10 it
    /// keeps progressing with serving still first. On an idle box any value runs a job at full speed. Raising it needs no
    /// privilege; a value below the process's own is not applied. Default 10.
    /// </summary>
    [Range(0, 19)]
    public int Niceness { get; set; } = 10;

    /// <summary>
    /// How long a claim holds without a heartbeat, in seconds: a replica that dies loses its job to another (or to
    /// itself after a restart) this long after its last heartbeat. Default 30.
    /// </summary>
    [Range(0.5, 3600)]
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>How often a running job's progress is written and its lease renewed, in seconds. Default 1.</summary>
    [Range(0.05, 600)]
    public double HeartbeatSeconds { get; set; } = 1;

    /// <summary>How often an idle runner looks for claimable jobs, in seconds (a submit on this replica wakes it at once). Default 1.</summary>
    [Range(0.05, 600)]
    public double PollSeconds { get; set; } = 1;

    /// <summary>Claims of one job before it is failed instead of run again (a job that kills its runner each time). Default 3.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long one run of a job may take, in seconds, before it fails as overdue: a job's deadline, which its work
    /// (the embedding pass of a training job) runs under instead of the serving timeout of client requests
    /// (<c>Serving:RequestTimeoutMilliseconds</c>). Default 21,600 (6 hours).
    /// </summary>
    [Range(1, 604_800)]
    public double MaxRunSeconds { get; set; } = 21_600;

    /// <summary>
    /// How long a job is kept after it ended (succeeded, failed or cancelled), in seconds; then its row, its input (a
    /// training upload, a batch's request) and its answer are deleted, and its id answers 404. Null (the default): kept
    /// for ever. The files a batch wrote are the Files API's and stay.
    /// </summary>
    [Range(1, 3_153_600_000)]
    public double? MaxEndedAgeSeconds { get; set; }

    /// <summary>
    /// A tenant's own <see cref="MaxEndedAgeSeconds"/>, shorter or longer, overriding it for that tenant's jobs (tenants
    /// have no settings store of their own; events' and decisions' retention are set per tenant the same way). With
    /// <see cref="MaxEndedAgeSeconds"/> unset, only these tenants' jobs are deleted. 1 to 100 years each.
    /// </summary>
    public Dictionary<string, double> TenantMaxEndedAgeSeconds { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>
    /// A kind's slots are 1 to 64, as the other concurrencies: 0 would leave its jobs queued for ever. A tenant's
    /// retention is in <see cref="MaxEndedAgeSeconds"/>'s range.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (kind, slots) in KindConcurrency)
        {
            if (slots is < 1 or > 64)
            {
                yield return new ValidationResult(
                    $"{nameof(KindConcurrency)}:{kind} is {slots}; a kind's slots must be between 1 and 64.", [nameof(KindConcurrency)]);
            }
        }

        foreach (var (tenant, seconds) in TenantMaxEndedAgeSeconds)
        {
            if (seconds is not (>= 1 and <= 3_153_600_000))
            {
                yield return new ValidationResult(
                    $"{nameof(TenantMaxEndedAgeSeconds)}:{tenant} is {seconds}; a tenant's job retention must be between 1 s and 100 years (3,153,600,000 s).",
                    [nameof(TenantMaxEndedAgeSeconds)]);
            }
        }
    }

    public TimeSpan MaxRun => TimeSpan.FromSeconds(MaxRunSeconds);
}

/// <summary>Validates <see cref="JobOptions"/> from its data annotations.</summary>
[OptionsValidator]
internal sealed partial class JobOptionsValidator : IValidateOptions<JobOptions>;
