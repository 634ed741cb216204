using System.ComponentModel.DataAnnotations;
using MaaS.Services.Search.Suggest;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Catalogue search (<c>POST /v1/search</c>) and search as you type (<c>GET /v1/search/suggest</c>).</summary>
internal static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearchV1(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/search", SearchAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Items)
            .WithName("V1Search")
            .WithRequestExample("""{"query":"action drama","mode":"hybrid","count":5,"filters":{"kind":"movie"},"explain":true,"include":["metadata"]}""")
            .WithSummary("Searches the catalogue by words (BM25), by meaning (sentence embeddings) or both (hybrid, the default).")
            .WithDescription("mode: lexical (BM25 over title, genres, tags and text), semantic (cosine of all-minilm-l6-v2 embeddings: finds \"space adventure with robots\" without shared words) or hybrid (both, fused by reciprocal rank; lexical alone while no embedding model is served). vector: search by an embedding you already have (e.g. from POST /v1/embeddings) instead of the query (semantic) or beside it (hybrid: query for BM25, vector for the semantic list); it must have the embedding model's dimensions and is L2-normalised; no encoder runs. Filters are recommend's: kind, genres, excludeIds, availableNow. explain adds the matched terms and BM25 score, the similarity, and each list's rank. Items are embedded in the background after they are written: pending counts those not embedded yet.");
        app.MapGet("/v1/search/suggest", SuggestAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithTags(ApiTags.Items)
            .WithName("V1SearchSuggest")
            .WithParameterExample("q", "midnigt hor").WithParameterExample("count", 5).WithParameterExample("kind", "movie")
            .WithSummary("Search as you type: catalogue titles that complete what was typed, typos forgiven, best first, with the matched spans.")
            .WithDescription("Every word of a title is matched: the last word of q as the beginning of a title word (unless q ends in a space), the others as whole words; case, accents and punctuation are folded as /v1/search folds them. Typos as Elasticsearch's fuzziness AUTO: none in words of 1-3 characters, 1 in 4-7, 2 in 8+ (a swap of neighbours is one). Ranked by typos, then a whole-word match of the last word over a prefix, then titles that q begins, then the items' popularity (the recommendation index's, decayed), then shorter titles. A catalogue write is found by the next call. Answered with an ETag of the tenant's title index and Cache-Control: private, max-age=5; If-None-Match with that tag is a 304 without a body. highlight: [start, length] spans of the title. Any other parameter than q, count and kind is a 400.");
        return app;
    }

    /// <param name="q">What the search box holds: 1..100 characters.</param>
    /// <param name="count">Suggestions wanted, 1..20 (default 8).</param>
    /// <param name="kind">Only titles of this kind: movie, song or game.</param>
    /// <param name="http">The request: its key's tenant's catalogue is searched.</param>
    /// <param name="suggestions">The suggester.</param>
    /// <param name="cancellationToken">The request's abort.</param>
    private static async Task<Results<ConditionalJson<SuggestResponse>, ApiProblem<UserErrors>>> SuggestAsync(
        [MaxLength(SuggestLimits.MaxQueryLength)] string? q, [Range(1, SuggestLimits.MaxCount)] int? count, string? kind, HttpContext http, TitleSuggestions suggestions, CancellationToken cancellationToken) =>
        (await suggestions.PrepareAsync(http.GetTenant(), q, count, kind, http.Request.Query.Keys, cancellationToken)).TryGetValue(out var call, out var error)
            ? new ConditionalJson<SuggestResponse>(call.ETag, TitleSuggestions.CacheControl, call.Answer, RecommendationsJsonContext.Default.SuggestResponse)
            : new ApiProblem<UserErrors>(error);

    private static async Task<Results<RecommendationJson<SearchResponse>, ApiProblem<SearchErrors>>> SearchAsync(
        Body<RecommendationBody<SearchRequest>> body, HttpContext http, CatalogueSearch search, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => search.SearchAsync(http.GetTenant(), request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<SearchResponse, SearchErrors>(outcome, RecommendationsJsonContext.Default.SearchResponse);
    }
}
