using System.ComponentModel.DataAnnotations;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Recommendations.Serving;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>The item catalogue and more-like-this (<c>/v1/items</c>).</summary>
internal static class ItemsEndpoints
{
    public static IEndpointRouteBuilder MapItemsV1(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/v1/items").WithTags(ApiTags.Items).RequireAuthorization(MaaSPolicies.App)
            .WithParameterExample("id", "movie-001");
        items.MapPut("", UpsertAsync)
            .RequireAdmission(AdmissionMode.Budget)
            .WithName("V1PutItems")
            .WithRequestExample("""{"items":[{"id":"movie-9001","kind":"movie","title":"Night Harbour","genres":["Drama","Thriller"],"tags":["noir"],"text":"A dock worker finds a ledger.","availableFrom":"2026-01-01","availableUntil":"2027-12-31"}]}""")
            .WithSummary("Inserts or replaces catalogue items (movies, songs, games) in one atomic batch.");
        items.MapGet("", ListAsync)
            .WithName("V1ListItems")
            .WithParameterExample("after", "movie-001")
            .WithPaging(Paged.By("by id (ordinal)"))
            .WithSummary("The tenant's catalogue, a page at a time, by item id.");
        items.MapGet("/{id}", GetAsync)
            .WithName("V1GetItem")
            .WithSummary("One catalogue item.");
        items.MapDelete("/{id}", DeleteAsync)
            .WithName("V1DeleteItem")
            .WithSummary("Deletes one catalogue item: gone from reads at once, and from recommendations and similar items on every replica within about a second.");
        items.MapGet("/{id}/similar", SimilarAsync)
            .RequireAdmission()
            .WithName("V1GetSimilarItems")
            .WithParameterExample("count", 5)
            .WithParameterExample("kind", "movie")
            .WithParameterExample("genres", "Action,Drama")
            .WithParameterExample("include", "metadata")
            .WithParameterExample("strategy", "hybrid")
            .WithSummary("More like this: the items most similar to one item (strategy, kind/genres filters, include=metadata).")
            .WithDescription("strategy=cf|content|hybrid (default hybrid). With content or hybrid an item catalogued a moment ago already has content neighbours (same genres, tags, kind, words); with cf an item catalogued after the last index build gets the most popular items of its kind and genres until the next build.");
        return app;
    }

    private static async Task<Results<RecommendationJson<ItemBatchResponse>, ApiProblem<BatchErrors>>> UpsertAsync(
        Body<RecommendationBody<ItemBatchRequest>> body, HttpContext http, CatalogueService catalogue, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => catalogue.UpsertAsync(http.GetTenant(), request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<ItemBatchResponse, BatchErrors>(outcome, RecommendationsJsonContext.Default.ItemBatchResponse);
    }

    private static async Task<Results<RecommendationJson<IReadOnlyList<ItemResponse>>, ApiProblem<ListErrors>>> ListAsync(
        [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, CatalogueService catalogue, CancellationToken cancellationToken)
    {
        var items = await PageRequest.Create(limit, after).ThenAsync(page => catalogue.ListAsync(http.GetTenant(), page, cancellationToken));
        return items.TryGetValue(out var page, out var error)
            ? new RecommendationJson<IReadOnlyList<ItemResponse>>(Paged.Items(http, page), RecommendationsJsonContext.Default.IReadOnlyListItemResponse)
            : new ApiProblem<ListErrors>(error);
    }

    private static async Task<Results<RecommendationJson<ItemResponse>, ApiProblem<RecordErrors>>> GetAsync(
        string id, HttpContext http, CatalogueService catalogue, CancellationToken cancellationToken)
    {
        var outcome = await catalogue.GetAsync(http.GetTenant(), id, cancellationToken);
        return RecommendationJson.OkOrProblem<ItemResponse, RecordErrors>(outcome, RecommendationsJsonContext.Default.ItemResponse);
    }

    private static async Task<Results<NoContent, ApiProblem<RecordErrors>>> DeleteAsync(
        string id, HttpContext http, CatalogueService catalogue, CancellationToken cancellationToken)
    {
        var outcome = await catalogue.DeleteAsync(http.GetTenant(), id, cancellationToken);
        return outcome.TryGetValue(out _, out var error) ? TypedResults.NoContent() : new ApiProblem<RecordErrors>(error);
    }

    /// <param name="id">The anchor item.</param>
    /// <param name="count">Results wanted, 1..100 (default 10).</param>
    /// <param name="kind">Only this kind: movie, song or game.</param>
    /// <param name="genres">Only these genres (comma-separated, any of them).</param>
    /// <param name="include"><c>metadata</c> adds each item's catalogue entry.</param>
    /// <param name="strategy">cf (co-occurrence neighbours), content (same genres, tags, kind, words) or hybrid (default: both, blended per item by its interaction count).</param>
    /// <param name="http">The request.</param>
    /// <param name="service">The recommendation service.</param>
    /// <param name="cancellationToken">Request aborted.</param>
    private static async Task<Results<RecommendationJson<SimilarItemsResponse>, ApiProblem<SimilarItemsErrors>>> SimilarAsync(
        string id, [Range(1, RecommendationLimits.MaxCount)] int? count, string? kind, string? genres, string? include, string? strategy, HttpContext http, RecommendationService service, CancellationToken cancellationToken)
    {
        var outcome = await service.SimilarAsync(http.GetTenant(), id, count, kind, genres, include, strategy, cancellationToken);
        return RecommendationJson.OkOrProblem<SimilarItemsResponse, SimilarItemsErrors>(outcome, RecommendationsJsonContext.Default.SimilarItemsResponse);
    }
}
