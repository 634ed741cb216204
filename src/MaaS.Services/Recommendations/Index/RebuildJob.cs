namespace MaaS.Services.Recommendations.Index;

/// <summary>Who asked for a rebuild first.</summary>
internal enum RebuildTrigger
{
    /// <summary>An admin through <c>POST /v1/recommendations/rebuild</c>: starts as soon as a build slot is free.</summary>
    Api,

    /// <summary>A user erasure: waits <see cref="RecommendationOptions.ErasureRebuildDelaySeconds"/> so a burst is one build.</summary>
    Erasure,

    /// <summary>The schedule, for a tenant that got events since its last build.</summary>
    Schedule,

    /// <summary>The first start of a tenant without an index.</summary>
    Start,

    /// <summary>A retention purge that removed events.</summary>
    Retention,
}

/// <summary>
/// One index rebuild of a tenant, as a job. Immutable: each transition is a new value.
/// </summary>
/// <remarks>
/// Shaped as the durable job issue #19 asks for (trainings and index rebuilds sharing jobs in SQLite/PostgreSQL): an
/// id, a kind, the tenant, a status, progress, timestamps, a result and an error are what a <c>jobs</c> row would hold,
/// so moving jobs into the store changes where they are kept, not what they are. Admin, scheduled and retention
/// rebuilds are durable jobs (<see cref="RebuildQueue"/>) whose run is one of these under the same id; erasure and
/// first-start rebuilds live only in memory (<see cref="RebuildJobs"/>).
/// </remarks>
internal sealed record RebuildJob(
    string Id,
    string Tenant,
    JobState Status,
    RebuildTrigger Trigger,
    int Requests,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    string? Stage = null,
    RebuildResponse? Result = null,
    string? Error = null)
{
    public const string IndexRebuild = "index-rebuild";

    public string Kind { get; init; } = IndexRebuild;

    /// <summary>The stages <see cref="IndexBuilder"/> reports, in order; a running job's progress is its stage's place among them.</summary>
    private static readonly string[] Stages = ["admission", "reading", "building", "loading"];

    /// <summary>The first stage: a durable job's phase from its start, while its build waits for a slot.</summary>
    public static string FirstStage => Stages[0];

    public bool IsFinished => JobStates.IsFinished(Status);

    public RebuildJob Finished(JobState status, DateTimeOffset at, RebuildResponse? result = null, string? error = null) =>
        this with { Status = status, FinishedAt = at, StartedAt = StartedAt ?? at, Result = result, Error = error };

    /// <summary>
    /// Fraction done in [0, 1], as training jobs report it: 0 while queued, the share of the stages passed while
    /// running, 1 once succeeded, and where it stopped once failed or cancelled.
    /// </summary>
    public double Progress => Status switch
    {
        JobState.Queued => 0,
        JobState.Succeeded => 1,
        _ => Stage is null ? 0 : Math.Max(0, Array.IndexOf(Stages, Stage)) / (double)Stages.Length,
    };

    /// <summary>The API shape; <paramref name="now"/> dates a running job's duration.</summary>
    public RebuildJobResponse ToResponse(DateTimeOffset now) => new(
        Id,
        Kind,
        JobStates.Name(Status),
        Status == JobState.Running && Stage is not null ? Stage : JobStates.Name(Status),
        Progress,
        Trigger.ToString().ToLowerInvariant(),
        Requests,
        CreatedAt,
        StartedAt,
        FinishedAt,
        StartedAt is { } started ? ((FinishedAt ?? now) - started).TotalMilliseconds : null,
        Result,
        Error);
}
