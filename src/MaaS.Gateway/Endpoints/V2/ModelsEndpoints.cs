namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Model listing, metadata, configuration and readiness (<c>/v2/models</c>).</summary>
internal static class ModelsEndpoints
{
    public static RouteGroupBuilder MapModelsV2(this RouteGroupBuilder v2)
    {
        var models = v2.MapGroup("/models").RequireAuthorization(MaaSPolicies.App);
        models.MapGet("", ListModels)
            .WithName("V2ListModels")
            .WithSummary("Every model the registry knows, with versions, default version and readiness (MaaS extension).");
        models.MapGet("/{name}", (string name, IModelRegistry registry, CancellationToken ct) => GetMetadataAsync<DefaultVersionErrors>(name, null, registry, ct))
            .WithName("V2ModelMetadata")
            .WithSummary("Model metadata: versions, platform, input and output tensors of the default version.");
        models.MapGet("/{name}/versions/{version}", (string name, string version, IModelRegistry registry, CancellationToken ct) => GetMetadataAsync<ModelErrors>(name, version, registry, ct))
            .WithName("V2ModelVersionMetadata")
            .WithSummary("Metadata of one model version.");
        models.MapGet("/{name}/config", GetConfigAsync)
            .WithName("V2ModelConfig")
            .WithSummary("Model configuration in Triton's shape: max_batch_size, inputs/outputs (dims without the batch axis), dynamic_batching.");
        models.MapGet("/{name}/ready", (string name, IModelRegistry registry) => GetReady<ModelLookupErrors>(name, null, registry))
            .WithName("V2ModelReady")
            .WithSummary("Model readiness: 200 when the default version is ready, 503 when not, 404 when unknown.")
            .WithMetadata(NotReady);
        models.MapGet("/{name}/versions/{version}/ready", (string name, string version, IModelRegistry registry) => GetReady<LookupErrors>(name, version, registry))
            .WithName("V2ModelVersionReady")
            .WithSummary("Model version readiness: 200 ready, 503 not ready, 404 unknown.")
            .WithMetadata(NotReady);
        return v2;
    }

    private static readonly ProducesResponseTypeMetadata NotReady = new(StatusCodes.Status503ServiceUnavailable, typeof(V2ModelReadyResponse), ["application/json"])
    {
        Description = "Not ready: the readiness body with ready=false",
    };

    private static V2Json<V2ModelListResponse> ListModels(IModelRegistry registry) =>
        V2Json.Ok(V2Mapping.ModelList(registry.GetModels()), V2JsonContext.Web.V2ModelListResponse);

    // Generic over the error set so the route without a version documents only what it can answer (no malformed or unknown version).
    private static async Task<Results<V2Json<V2ModelMetadataResponse>, V2Error<TErrors>>> GetMetadataAsync<TErrors>(
        string name, string? versionText, IModelRegistry registry, CancellationToken ct)
        where TErrors : IErrorSet
    {
        var version = V2Mapping.ParseVersion(versionText);
        var read = await version.ThenAsync(v => V2Mapping.ReadyVersionAsync(registry, name, v, ct));
        return read.TryGetValue(out var found, out var error)
            ? V2Json.Ok(V2Mapping.Metadata(found.Model, found.Version, version.Value), V2JsonContext.Web.V2ModelMetadataResponse)
            : new V2Error<TErrors>(error);
    }

    private static async Task<Results<V2Json<V2ModelConfigResponse>, V2Error<DefaultVersionErrors>>> GetConfigAsync(
        string name, IModelRegistry registry, CancellationToken ct)
    {
        if (await registry.GetModelForRequestAsync(name, null, ct) is not { } model)
        {
            return new V2Error<DefaultVersionErrors>(V2Mapping.UnknownModel(name));
        }

        var info = model.DefaultVersion is long d ? model.FindVersion(d) : null;
        if (info is not { State: ModelVersionState.Ready } || model.Config is not { } config)
        {
            return new V2Error<DefaultVersionErrors>(ErrorCode.ModelNotReady, $"model '{name}' is not ready: {model.Reason}");
        }

        return V2Json.Ok(V2Mapping.Config(model, info, config), V2JsonContext.Web.V2ModelConfigResponse);
    }

    // Not ready is an answer, not an error: the readiness body with 503.
    private static Results<V2Json<V2ModelReadyResponse>, V2Error<TErrors>> GetReady<TErrors>(string name, string? versionText, IModelRegistry registry)
        where TErrors : IErrorSet
    {
        var ready = V2Mapping.ParseVersion(versionText).TryGetValue(out long? version, out var error) ? V2Mapping.Ready(registry, name, version) : error;
        return ready.TryGetValue(out bool isReady, out error)
            ? new V2Json<V2ModelReadyResponse>(new V2ModelReadyResponse(name, versionText, isReady), V2JsonContext.Web.V2ModelReadyResponse,
                isReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable)
            : new V2Error<TErrors>(error);
    }
}
