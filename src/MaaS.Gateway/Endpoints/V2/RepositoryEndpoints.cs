using MaaS.Core;
using System.Text.Json;
using MaaS.Gateway.Contracts.V2;
using MaaS.Gateway.Errors;
using MaaS.Models.Registry;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>The model repository extension: index, load, unload; plus MaaS's per-version load/unload and default-version pin.</summary>
internal static class RepositoryEndpoints
{
    public static RouteGroupBuilder MapRepositoryEndpoints(this RouteGroupBuilder v2)
    {
        var repository = v2.MapGroup("/repository");
        repository.MapPost("/index", IndexAsync)
            .WithName("V2RepositoryIndex")
            .WithSummary("Lists every model and version in the repository with state (READY, UNAVAILABLE...) and reason.")
            .Accepts<V2RepositoryIndexRequest>("application/json", "*/*")
            .Produces<V2RepositoryIndexEntry[]>();
        repository.MapPost("/models/{name}/load", async (string name, IModelRegistry registry, CancellationToken ct) =>
                Empty(await registry.LoadModelAsync(name, ct)))
            .WithName("V2RepositoryLoad")
            .WithSummary("Loads (or reloads) every version of a model from disk; the new versions replace the old atomically.")
            .WithLifecycleMetadata();
        repository.MapPost("/models/{name}/unload", async (string name, IModelRegistry registry, CancellationToken ct) =>
                Empty(await registry.UnloadModelAsync(name, ct)))
            .WithName("V2RepositoryUnload")
            .WithSummary("Unloads every version of a model; in-flight requests finish first.")
            .WithLifecycleMetadata();
        repository.MapPost("/models/{name}/versions/{version}/load", async (string name, string version, IModelRegistry registry, CancellationToken ct) =>
                V2Mapping.ParseVersion(version, out var error) is long v ? Empty(await registry.LoadVersionAsync(name, v, ct)) : error!)
            .WithName("V2RepositoryLoadVersion")
            .WithSummary("Loads (or reloads) one version (MaaS extension).")
            .WithLifecycleMetadata();
        repository.MapPost("/models/{name}/versions/{version}/unload", async (string name, string version, IModelRegistry registry, CancellationToken ct) =>
                V2Mapping.ParseVersion(version, out var error) is long v ? Empty(await registry.UnloadVersionAsync(name, v, ct)) : error!)
            .WithName("V2RepositoryUnloadVersion")
            .WithSummary("Unloads one version (MaaS extension).")
            .WithLifecycleMetadata();
        repository.MapPost("/models/{name}/default", SetDefaultAsync)
            .WithName("V2RepositorySetDefaultVersion")
            .WithSummary("Pins the version served without a version in the path (rollback); {\"version\": null} unpins (MaaS extension, not persisted).")
            .Accepts<V2SetDefaultVersionRequest>("application/json", "*/*")
            .WithLifecycleMetadata();
        return v2;
    }

    private static RouteHandlerBuilder WithLifecycleMetadata(this RouteHandlerBuilder builder) => builder
        .Produces(StatusCodes.Status200OK)
        .Produces<V2ErrorResponse>(StatusCodes.Status400BadRequest)
        .Produces<V2ErrorResponse>(StatusCodes.Status404NotFound)
        .Produces<V2ErrorResponse>(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> IndexAsync(HttpContext http, IModelRegistry registry)
    {
        bool readyOnly = false;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                var body = await JsonSerializer.DeserializeAsync(http.Request.Body, V2JsonContext.Web.V2RepositoryIndexRequest, http.RequestAborted);
                readyOnly = body?.Ready == true;
            }
            catch (JsonException e)
            {
                return V2Errors.Result(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {e.Message}");
            }
        }

        var entries = registry.GetIndex()
            .Where(e => !readyOnly || e.State == ModelVersionState.Ready)
            .Select(e => new V2RepositoryIndexEntry(
                e.Name,
                e.Version is long v ? V2Mapping.Text(v) : null,
                e.State is { } s ? V2Mapping.State(s) : null,
                e.Reason))
            .ToArray();
        return TypedResults.Json(entries, V2JsonContext.Web.V2RepositoryIndexEntryArray);
    }

    private static async Task<IResult> SetDefaultAsync(string name, HttpContext http, IModelRegistry registry)
    {
        V2SetDefaultVersionRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(http.Request.Body, V2JsonContext.Web.V2SetDefaultVersionRequest, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return V2Errors.Result(ErrorCode.InvalidRequest, $"failed to parse the request JSON: {e.Message}");
        }

        if (body?.Version is <= 0)
        {
            return V2Errors.Result(ErrorCode.InvalidRequest, "version must be a positive integer or null");
        }

        return Empty(await registry.SetDefaultVersionAsync(name, body?.Version, http.RequestAborted));
    }

    // Triton answers repository calls with 200 and an empty body.
    private static IResult Empty<T>(Result<T> result) =>
        result.IsSuccess ? Results.Ok() : V2Errors.Result(result);
}
