namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Catalogue search (<c>POST /v1/search</c>).</summary>
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
        return app;
    }

    private static async Task<Results<RecommendationJson<SearchResponse>, ApiProblem<SearchErrors>>> SearchAsync(
        Body<RecommendationBody<SearchRequest>> body, HttpContext http, CatalogueSearch search, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => search.SearchAsync(http.GetTenant(), request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<SearchResponse, SearchErrors>(outcome, RecommendationsJsonContext.Default.SearchResponse);
    }
}
