namespace MaaS.Gateway.Endpoints.V2;

/// <summary>The model repository extension: index, load, unload; plus MaaS's per-version load/unload and default-version pin.</summary>
internal static class RepositoryEndpoints
{
    public static RouteGroupBuilder MapRepositoryV2(this RouteGroupBuilder v2)
    {
        var repository = v2.MapGroup("/repository").RequireAuthorization(MaaSPolicies.Admin);
        repository.MapPost("/index", GetIndex)
            .WithName("V2RepositoryIndex")
            .WithRequestExample("""{"ready":true}""")
            .WithSummary("Lists every model and version in the repository with state (READY, UNAVAILABLE...) and reason.");
        var model = repository.MapGroup("/models/{name}").RequireAuthorization(MaaSPolicies.ModelOwner);
        // Unload before load, in the document too: trying them top to bottom in Swagger UI leaves the model loaded.
        model.MapPost("/unload", async (string name, IModelRegistry registry, CancellationToken ct) =>
                Done(await registry.UnloadModelAsync(name, ct)))
            .WithName("V2RepositoryUnload")
            .WithSummary("Unloads every version of a model; in-flight requests finish first.");
        model.MapPost("/load", async (string name, IModelRegistry registry, CancellationToken ct) =>
                Done(await registry.LoadModelAsync(name, ct)))
            .WithName("V2RepositoryLoad")
            .WithSummary("Loads (or reloads) every version of a model from disk; the new versions replace the old atomically.");
        model.MapPost("/versions/{version}/unload", async (string name, string version, IModelRegistry registry, CancellationToken ct) =>
                V2Mapping.ParseVersion(version).TryGetValue(out long? v, out var error)
                    ? Done(await registry.UnloadVersionAsync(name, v!.Value, ct))
                    : new V2Error<ModelErrors>(error))
            .WithName("V2RepositoryUnloadVersion")
            .WithSummary("Unloads one version (MaaS extension).");
        model.MapPost("/versions/{version}/load", async (string name, string version, IModelRegistry registry, CancellationToken ct) =>
                V2Mapping.ParseVersion(version).TryGetValue(out long? v, out var error)
                    ? Done(await registry.LoadVersionAsync(name, v!.Value, ct))
                    : new V2Error<ModelErrors>(error))
            .WithName("V2RepositoryLoadVersion")
            .WithSummary("Loads (or reloads) one version (MaaS extension).");
        model.MapPost("/default", SetDefaultAsync)
            .WithName("V2RepositorySetDefaultVersion")
            .WithRequestExample("""{"version":1}""")
            .WithSummary("Sets the model's version policy, stored and followed by every replica (MaaS extension): {\"version\": n} pins the version served " +
                "without a version in the path (rollback), null unpins; {\"canary\": {\"version\": n, \"percent\": 1..99}} sends that share of them to " +
                "another ready version, null ends it; a member left out is kept; pinning the canary's version promotes it.");
        return v2;
    }

    private static Results<V2Json<V2RepositoryIndexEntry[]>, V2Error<RequestErrors>> GetIndex(Body<V2RepositoryIndexHttpBody> body, IModelRegistry registry)
    {
        if (!body.Result.TryGetValue(out var read, out var error))
        {
            return new V2Error<RequestErrors>(error);
        }

        return V2Json.Ok(V2Mapping.RepositoryIndex(registry, read.Value.Ready == true).ToArray(), V2JsonContext.Web.V2RepositoryIndexEntryArray);
    }

    private static async Task<Results<Ok, V2Error<VersionPolicyErrors>>> SetDefaultAsync(
        string name, Body<V2SetDefaultVersionHttpBody> body, IModelRegistry registry, CancellationToken cancellationToken)
    {
        if (!body.Result.TryGetValue(out var read, out var error))
        {
            return new V2Error<VersionPolicyErrors>(error);
        }

        var set = await registry.SetVersionPolicyAsync(name, read.Value.ApplyTo(registry.GetVersionPolicy(name).Policy), cancellationToken);
        return set.TryGetValue(out _, out var refused) ? TypedResults.Ok() : new V2Error<VersionPolicyErrors>(refused);
    }

    // Triton answers repository calls with 200 and an empty body.
    private static Results<Ok, V2Error<ModelErrors>> Done<T>(Result<T> result) =>
        result.TryGetValue(out _, out var error) ? TypedResults.Ok() : new V2Error<ModelErrors>(error);
}
