namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Interaction ingestion (<c>/v1/events</c>).</summary>
internal static class EventsEndpoints
{
    public static IEndpointRouteBuilder MapEventsV1(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", AppendAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Events)
            .RequireAdmission(AdmissionMode.Budget)
            .WithName("V1PostEvents")
            .WithRequestExample("""{"events":[{"eventId":"app1-0001","userId":"demo-user-001","itemId":"movie-009","type":"play","value":0.8,"timestamp":"2026-03-01T18:00:00Z"},{"eventId":"app1-0002","userId":"demo-user-001","itemId":"movie-041","type":"like"},{"eventId":"app1-0003","sessionId":"s-42","itemId":"game-007","type":"view"}]}""")
            .WithSummary("Stores a batch of interactions; answers only once they are durable.")
            .WithDescription("Every event is validated and a bad batch is rejected whole (400 listing every problem; nothing stored). Event ids make retries idempotent: a repeated id counts as a duplicate. Over PostgreSQL the answer carries the commit's session token (header MaaS-Session-Token and field sessionToken): sent back with POST /v1/recommend, it makes any replica rank on a history holding these events.");
        return app;
    }

    private static async Task<Results<RecommendationJson<EventBatchResponse>, ApiProblem<BatchErrors>>> AppendAsync(
        Body<RecommendationBody<EventBatchRequest>> body, HttpContext http, EventIngestion ingestion, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => ingestion.AppendAsync(http.GetTenant(), request.Value, cancellationToken));
        if (outcome.IsSuccess && outcome.Value.SessionToken is { } token)
        {
            http.Response.Headers[SessionTokens.HeaderName] = token;
        }

        return RecommendationJson.OkOrProblem<EventBatchResponse, BatchErrors>(outcome, RecommendationsJsonContext.Default.EventBatchResponse);
    }
}
