namespace MaaS.Services.Recommendations.Contracts;

/// <summary>An index rebuild job (<c>POST /v1/recommendations/rebuild</c>, <c>GET /v1/recommendations/rebuilds/{id}</c>), in the job vocabulary training jobs share.</summary>
/// <param name="Id">Job id (32 hex digits); the status resource is <c>/v1/recommendations/rebuilds/{id}</c>.</param>
/// <param name="Kind">Always <c>index-rebuild</c>.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c> (the words of every job).</param>
/// <param name="Phase">The stage while running (<c>admission</c>, <c>reading</c>, <c>building</c>, <c>loading</c>), else the status.</param>
/// <param name="Progress">Fraction done in [0, 1]: the share of the stages passed while running, 1 once succeeded.</param>
/// <param name="Trigger">Who asked first: <c>api</c>, <c>erasure</c>, <c>schedule</c>, <c>start</c> or <c>retention</c>.</param>
/// <param name="Requests">Requests coalesced into this job (a request while one is queued joins it).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="DurationMilliseconds">Running time (to now while running).</param>
/// <param name="Result">The new serving version, once succeeded.</param>
/// <param name="Error">Why it failed or was cancelled; the serving version is kept.</param>
public sealed record RebuildJobResponse(
    string Id,
    string Kind,
    [property: AllowedValues("queued", "running", "succeeded", "failed", "cancelled")] string Status,
    string Phase,
    double Progress,
    string Trigger,
    int Requests,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationMilliseconds,
    RebuildResponse? Result,
    string? Error);
