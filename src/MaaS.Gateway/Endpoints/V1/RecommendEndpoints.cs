using System.ComponentModel.DataAnnotations;
using MaaS.Services.Recommendations.Attribution;
using MaaS.Services.Recommendations.Evaluation;
using MaaS.Services.Recommendations.Index;
using MaaS.Services.Recommendations.Serving;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Recommendations (<c>/v1/recommend</c>) and their index (<c>/v1/recommendations</c>).</summary>
internal static class RecommendEndpoints
{
    public static IEndpointRouteBuilder MapRecommendV1(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/recommend", RecommendAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Recommendations)
            .RequireAdmission()
            .WithName("V1Recommend")
            .WithRequestExample("""{"userId":"demo-user-001","count":5,"strategy":"hybrid","filters":{"kind":"movie","genres":["Action","Drama"],"availableNow":true},"diversity":0.8,"explain":true,"include":["metadata"],"debias":{"method":"popularity","strength":0.5}}""")
            .WithSummary("Recommends items for a user, a session or a list of recent items.")
            .WithDescription("The user's history is read at request time, so an event posted a moment ago counts. strategy: cf, content or hybrid (default; CF weight n/(n+β) per item, so a catalogue item without events is ranked by content). Filters: kind, genres, excludeIds, availableNow. diversity is MMR λ. debias re-ranks against popularity bias (method none, popularity or calibrated by genre, strength λ in [0, 1]; absent: the tenant's Recommendations:Debias) and the response's debias says what it changed. explain adds the reason per item (because-you-played X, same-genres as X, popular, trending); include: [\"metadata\"] adds catalogue entries. Across replicas (PostgreSQL), send back the MaaS-Session-Token header that POST /v1/events answered with: the history then holds those events on any replica (400 for a malformed token).");
        app.MapPost("/v1/recommend/rows", RecommendRowsAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Recommendations)
            .RequireAdmission()
            .WithName("V1RecommendRows")
            .WithRequestExample("""{"userId":"demo-user-001","rows":[{"kind":"forYou","count":5},{"kind":"because","count":5,"anchors":2},{"kind":"trending","count":5},{"kind":"popular","count":5,"filters":{"genres":["Drama"]}},{"kind":"new","count":5}],"explain":true}""")
            .WithSummary("A home page in one call: rows of recommendations (forYou, because, trending, popular, new), each item in at most one row.")
            .WithDescription("Rows are ranked in the order asked, each over what the rows above left, and none offers an item the user consumed (as /v1/recommend). Each row takes /v1/recommend's filters. because gives up to anchors rows, one per recent history item, titled after it. A row left empty is left out. At most 20 rows, 100 items a row and 500 in all; a 400 names the row's field (rows[2].kind). One recommendationId for the page.");
        app.MapPost("/v1/recommendations/bias", BiasReportAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Recommendations)
            .RequireAdmission()
            .WithName("V1RecommendationBias")
            .WithRequestExample("""{"userIds":["demo-user-001","demo-user-002","demo-user-003"],"count":5,"strategy":"cf","by":"kind","debias":{"method":"popularity","strength":0.5}}""")
            .WithSummary("Beyond-accuracy report of the named users' pages: coverage, Gini, novelty, popularity lift and exposure by an item attribute.")
            .WithDescription("Ranks each user's page as POST /v1/recommend would (same strategy, debias and tenant settings) and measures them together. by: genre (default), kind, tag, or a tag attribute's name such as provider (tags written provider:value); items without it count under (none). Popularity is the item's events in the serving build.");
        app.MapGet("/v1/recommendations/attribution", AttributionAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Recommendations)
            .WithName("V1RecommendationAttribution")
            .WithParameterExample("from", "2026-12-07T00:00:00Z").WithParameterExample("to", "2026-12-08T00:00:00Z").WithParameterExample("granularity", "hour")
            .WithSummary("What the tenant's recommendations served and led to, summed over replicas: per UTC hour or day the answers, served items by source, attributed events by type and their rates per served item.")
            .WithDescription("from and to are ISO 8601 UTC times or dates, widened to whole buckets (default: the last 24 hours, or 30 days by day); at most 31 days by hour and 366 by day (400 past it). Counts reach the report within Recommendations:AttributionFlushSeconds (default 5) of the request that made them.");
        app.MapPost("/v1/recommendations/rebuild", RebuildAsync)
            // A full pass over the tenant's events: an operation, not app traffic.
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithTags(ApiTags.Recommendations)
            .WithName("V1RebuildIndex")
            .WithSummary("Queues a rebuild of the similarity index from the store (or joins the queued one) and answers 202 with the job; GET its Location for the status.")
            .WithDescription("The rebuild is a durable job (kind index-rebuild) on the same runner as trainings: it survives a gateway restart and, with several replicas, one of them runs it. At most one rebuild per tenant is queued; a request while one is queued answers that job.");
        app.MapGet("/v1/recommendations/rebuilds/{id}", GetRebuild)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithTags(ApiTags.Recommendations)
            .WithName("V1GetRebuild")
            // Job ids are minted by the server: the shape of one, to be replaced by the id in the rebuild's Location.
            .WithParameterExample("id", "ada402e7c7424d8fb72bcd688ac020dc")
            .WithSummary("Status of an index rebuild job: queued, running, succeeded (with the new version), failed or cancelled (with the reason).");
        app.MapGet("/v1/recommendations/rebuilds", ListRebuilds)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithTags(ApiTags.Recommendations)
            .WithName("V1ListRebuilds")
            .WithParameterExample("after", "ada402e7c7424d8fb72bcd688ac020dc")
            .WithPaging(Paged.By("newest first (by creation time, then id)"))
            .WithSummary("The tenant's rebuild jobs (durable ones, and the erasure and first-start ones this replica keeps), newest first, a page at a time.");
        return app;
    }

    private static async Task<Results<RecommendationJson<RecommendResponse>, ApiProblem<BodyErrors>>> RecommendAsync(
        Body<RecommendationBody<RecommendRequest>> body, HttpContext http, RecommendationService service, CancellationToken cancellationToken)
    {
        string? sessionToken = http.Request.Headers.TryGetValue(SessionTokens.HeaderName, out var sent) ? sent.ToString() : null;
        var outcome = await body.Result.ThenAsync(request => service.RecommendAsync(http.GetTenant(), request.Value, sessionToken, cancellationToken));
        return RecommendationJson.OkOrProblem<RecommendResponse, BodyErrors>(outcome, RecommendationsJsonContext.Default.RecommendResponse);
    }

    private static async Task<Results<RecommendationJson<RecommendRowsResponse>, ApiProblem<BodyErrors>>> RecommendRowsAsync(
        Body<RecommendationBody<RecommendRowsRequest>> body, HttpContext http, RecommendationService service, CancellationToken cancellationToken)
    {
        string? sessionToken = http.Request.Headers.TryGetValue(SessionTokens.HeaderName, out var sent) ? sent.ToString() : null;
        var outcome = await body.Result.ThenAsync(request => service.RecommendRowsAsync(http.GetTenant(), request.Value, sessionToken, cancellationToken));
        return RecommendationJson.OkOrProblem<RecommendRowsResponse, BodyErrors>(outcome, RecommendationsJsonContext.Default.RecommendRowsResponse);
    }

    private static async Task<Results<RecommendationJson<BiasReportResponse>, ApiProblem<BodyErrors>>> BiasReportAsync(
        Body<RecommendationBody<BiasReportRequest>> body, HttpContext http, BiasReportService service, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => service.ReportAsync(http.GetTenant(), request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<BiasReportResponse, BodyErrors>(outcome, RecommendationsJsonContext.Default.BiasReportResponse);
    }

    /// <param name="from">Start of the range: an ISO 8601 UTC time or date, down to its bucket's start (default: 24 hours, or 30 days by day, before to).</param>
    /// <param name="to">End of the range (exclusive): an ISO 8601 UTC time or date, up to a bucket's end (default: the end of the current bucket).</param>
    /// <param name="granularity">hour (default; at most 31 days) or day (at most 366 days).</param>
    /// <param name="http">The request: its key's tenant is the report's.</param>
    /// <param name="reports">The report service.</param>
    /// <param name="cancellationToken">The request's abort.</param>
    private static async Task<Results<RecommendationJson<AttributionReport>, ApiProblem<UserErrors>>> AttributionAsync(
        string? from, string? to, string? granularity, HttpContext http, AttributionReports reports, CancellationToken cancellationToken) =>
        RecommendationJson.OkOrProblem<AttributionReport, UserErrors>(
            await reports.ReportAsync(http.GetTenant(), from, to, granularity, cancellationToken), RecommendationsJsonContext.Default.AttributionReport);

    private static async Task<Results<RecommendationAccepted<RebuildJobResponse>, ApiProblem<RebuildErrors>>> RebuildAsync(
        HttpContext http, RebuildQueue rebuilds, CancellationToken cancellationToken)
    {
        var outcome = await rebuilds.RequestAsync(http.GetTenant(), cancellationToken);
        return outcome.TryGetValue(out var job, out var error)
            ? new RecommendationAccepted<RebuildJobResponse>($"/v1/recommendations/rebuilds/{job.Id}", job, RecommendationsJsonContext.Default.RebuildJobResponse)
            : new ApiProblem<RebuildErrors>(error);
    }

    private static async Task<Results<RecommendationJson<RebuildJobResponse>, ApiProblem<RebuildJobErrors>>> GetRebuild(
        string id, HttpContext http, RebuildQueue rebuilds, CancellationToken cancellationToken) =>
        RecommendationJson.OkOrProblem<RebuildJobResponse, RebuildJobErrors>(
            await rebuilds.FindAsync(http.GetTenant(), id, cancellationToken), RecommendationsJsonContext.Default.RebuildJobResponse);

    private static async Task<Results<RecommendationJson<IReadOnlyList<RebuildJobResponse>>, ApiProblem<ListErrors>>> ListRebuilds(
        [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, RebuildQueue rebuilds, CancellationToken cancellationToken)
    {
        var jobs = await PageRequest.Create(limit, after).ThenAsync(page => rebuilds.ListAsync(http.GetTenant(), page, cancellationToken));
        return jobs.TryGetValue(out var page, out var error)
            ? new RecommendationJson<IReadOnlyList<RebuildJobResponse>>(Paged.Items(http, page), RecommendationsJsonContext.Default.IReadOnlyListRebuildJobResponse)
            : new ApiProblem<ListErrors>(error);
    }
}
