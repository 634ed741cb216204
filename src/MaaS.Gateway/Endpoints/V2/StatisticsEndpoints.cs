using MaaS.Core;
using MaaS.Gateway.Contracts.V2;
using MaaS.Gateway.Errors;
using MaaS.Models.Registry;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>The statistics extension: cumulative counts and durations per loaded model version.</summary>
internal static class StatisticsEndpoints
{
    public static RouteGroupBuilder MapStatisticsEndpoints(this RouteGroupBuilder v2)
    {
        v2.MapGet("/models/stats", (IModelRegistry registry) => Statistics(null, null, registry))
            .WithName("V2AllStatistics")
            .WithSummary("Statistics of every loaded model version.")
            .Produces<V2StatisticsResponse>();
        v2.MapGet("/models/{name}/stats", (string name, IModelRegistry registry) => Statistics(name, null, registry))
            .WithName("V2ModelStatistics")
            .WithSummary("Statistics of every loaded version of a model: counts, queue and compute durations, batch sizes.")
            .Produces<V2StatisticsResponse>()
            .Produces<V2ErrorResponse>(StatusCodes.Status404NotFound);
        v2.MapGet("/models/{name}/versions/{version}/stats", (string name, string version, IModelRegistry registry) => Statistics(name, version, registry))
            .WithName("V2ModelVersionStatistics")
            .WithSummary("Statistics of one loaded model version.")
            .Produces<V2StatisticsResponse>()
            .Produces<V2ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<V2ErrorResponse>(StatusCodes.Status404NotFound);
        return v2;
    }

    private static IResult Statistics(string? name, string? versionText, IModelRegistry registry)
    {
        long? version = V2Mapping.ParseVersion(versionText, out var error);
        if (error is not null)
        {
            return error;
        }

        IEnumerable<ModelInfo> models;
        if (name is null)
        {
            models = registry.GetModels();
        }
        else if (registry.GetModel(name) is { } model)
        {
            if (version is long v && model.FindVersion(v) is not { Statistics: not null })
            {
                return V2Errors.Result(ErrorCode.VersionNotFound, $"version {v} of model '{name}' is not loaded");
            }

            models = [model];
        }
        else
        {
            return V2Errors.Result(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
        }

        var stats = models
            .SelectMany(m => m.Versions)
            .Where(v => v.Statistics is not null && (version is null || v.Version == version))
            .Select(V2Mapping.Statistics)
            .ToList();
        return TypedResults.Json(new V2StatisticsResponse(stats), V2JsonContext.Web.V2StatisticsResponse);
    }
}
