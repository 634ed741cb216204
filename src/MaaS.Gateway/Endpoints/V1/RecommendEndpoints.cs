using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;
using MaaS.Gateway.Hosting;
using MaaS.Gateway.Security;
using MaaS.Services.Recommendations.Contracts;
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
            .WithTags("Recommendations")
            .WithName("V1Recommend")
            .WithSummary("Recommends items for a user, a session or a list of recent items.")
            .WithDescription("The user's history is read at request time, so an event posted a moment ago counts. strategy: cf, content or hybrid (default; CF weight n/(n+β) per item, so a catalogue item without events is ranked by content). Filters: kind, genres, excludeIds, availableNow. diversity is MMR λ. explain adds the reason per item (because-you-played X, same-genres as X, popular, trending); include: [\"metadata\"] adds catalogue entries.")
            .Accepts<RecommendRequest>("application/json")
            .Produces<RecommendResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/v1/recommendations/rebuild", RebuildAsync)
            // A full pass over the tenant's events: an operation, not app traffic.
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithTags("Recommendations")
            .WithName("V1RebuildIndex")
            .WithSummary("Rebuilds the similarity index from the store now and swaps the new version in; answers when it serves.")
            .Produces<RebuildResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> RecommendAsync(RecommendRequest? request, HttpContext http, RecommendationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.RecommendAsync(http.GetTenant(), request, cancellationToken);
        return outcome.ToResult(RecommendationsJsonContext.Default.RecommendResponse);
    }

    private static async Task<IResult> RebuildAsync(HttpContext http, IndexBuilder builder, CancellationToken cancellationToken)
    {
        var outcome = await builder.BuildAsync(http.GetTenant(), cancellationToken);
        return outcome.ToResult(RecommendationsJsonContext.Default.RebuildResponse);
    }
}
