using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Gateway.Hosting;
using MaaS.Gateway.Security;
using MaaS.Services.Recommendations.Contracts;
using MaaS.Services.Recommendations.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Interaction ingestion (<c>/v1/events</c>).</summary>
internal static class EventsEndpoints
{
    public static IEndpointRouteBuilder MapEventsV1(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/events", AppendAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags("Events")
            .WithName("V1PostEvents")
            .WithSummary("Stores a batch of interactions; answers only once they are durable.")
            .WithDescription("Every event is validated and a bad batch is rejected whole (400 listing every problem; nothing stored). Event ids make retries idempotent: a repeated id counts as a duplicate.");
        return app;
    }

    private static async Task<Results<RecommendationJson<EventBatchResponse>, ApiProblem<BatchErrors>>> AppendAsync(
        Body<RecommendationBody<EventBatchRequest>> body, HttpContext http, EventIngestion ingestion, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<BatchErrors>(error);
        }

        var outcome = await ingestion.AppendAsync(http.GetTenant(), request.Value, cancellationToken);
        return RecommendationJson.OkOrProblem<EventBatchResponse, BatchErrors>(outcome, RecommendationsJsonContext.Default.EventBatchResponse);
    }
}
