namespace MaaS.Services.Recommendations.Contracts;

/// <summary>An index rebuild job (<c>POST /v1/recommendations/rebuild</c>, <c>GET /v1/recommendations/rebuilds/{id}</c>).</summary>
/// <param name="Id">Job id (32 hex digits); the status resource is <c>/v1/recommendations/rebuilds/{id}</c>.</param>
/// <param name="Kind">Always <c>index-rebuild</c> (trainings will share the job shape later).</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Trigger">Who asked first: <c>api</c>, <c>erasure</c>, <c>schedule</c> or <c>start</c>.</param>
/// <param name="Requests">Requests coalesced into this job (a request while one is queued joins it).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="DurationMilliseconds">Running time (to now while running).</param>
/// <param name="Progress">Stage while running: <c>admission</c>, <c>reading</c>, <c>building</c>, <c>loading</c>.</param>
/// <param name="Result">The new serving version, once succeeded.</param>
/// <param name="Error">Why it failed or was cancelled; the serving version is kept.</param>
public sealed record RebuildJobResponse(
    string Id,
    string Kind,
    string Status,
    string Trigger,
    int Requests,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationMilliseconds,
    string? Progress,
    RebuildResponse? Result,
    string? Error);

/// <summary>The tenant's recent rebuild jobs (<c>GET /v1/recommendations/rebuilds</c>), newest first.</summary>
/// <param name="Jobs">One page of jobs, newest first (the Link header names the next).</param>
public sealed record RebuildJobListResponse(IReadOnlyList<RebuildJobResponse> Jobs);
