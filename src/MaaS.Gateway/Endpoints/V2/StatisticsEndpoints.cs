namespace MaaS.Gateway.Endpoints.V2;

/// <summary>The statistics extension: cumulative counts and durations per loaded model version.</summary>
internal static class StatisticsEndpoints
{
    public static RouteGroupBuilder MapStatisticsV2(this RouteGroupBuilder v2)
    {
        var models = v2.MapGroup("/models").RequireAuthorization(MaaSPolicies.App);
        models.MapGet("/stats", (IModelRegistry registry) => Answer(V2Mapping.Statistics(registry, null, null).Value))
            .WithName("V2AllStatistics")
            .WithSummary("Statistics of every loaded model version.");
        models.MapGet("/{name}/stats", (string name, IModelRegistry registry) => GetStatistics<ModelLookupErrors>(name, null, registry))
            .WithName("V2ModelStatistics")
            .WithSummary("Statistics of every loaded version of a model: counts, queue and compute durations, batch sizes.");
        models.MapGet("/{name}/versions/{version}/stats", (string name, string version, IModelRegistry registry) => GetStatistics<LookupErrors>(name, version, registry))
            .WithName("V2ModelVersionStatistics")
            .WithSummary("Statistics of one loaded model version.");
        return v2;
    }

    // Generic over the error set so the route without a version documents only what it can answer (no malformed or unknown version).
    private static Results<V2Json<V2StatisticsResponse>, V2Error<TErrors>> GetStatistics<TErrors>(string name, string? versionText, IModelRegistry registry)
        where TErrors : IErrorSet =>
        V2Mapping.ParseVersion(versionText).TryGetValue(out long? version, out var error)
        && V2Mapping.Statistics(registry, name, version).TryGetValue(out var stats, out error)
            ? Answer(stats)
            : new V2Error<TErrors>(error);

    private static V2Json<V2StatisticsResponse> Answer(IReadOnlyList<V2ModelStatistics> stats) =>
        V2Json.Ok(new V2StatisticsResponse(stats), V2JsonContext.Web.V2StatisticsResponse);
}
