using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Gateway.Hosting;
using MaaS.Gateway.Security;
using MaaS.Services.Recommendations.Contracts;
using MaaS.Services.Recommendations.Events;

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
            .WithDescription("Every event is validated and a bad batch is rejected whole (400 listing every problem; nothing stored). Event ids make retries idempotent: a repeated id counts as a duplicate.")
            .Accepts<EventBatchRequest>("application/json")
            .Produces<EventBatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> AppendAsync(EventBatchRequest? request, HttpContext http, EventIngestion ingestion, CancellationToken cancellationToken)
    {
        var outcome = await ingestion.AppendAsync(http.GetTenant(), request, cancellationToken);
        return outcome.ToResult(RecommendationsJsonContext.Default.EventBatchResponse);
    }
}
