namespace MaaS.Models.Registry;

/// <summary>Registry reads on behalf of a request.</summary>
public static class ModelRegistryExtensions
{
    /// <summary>
    /// The model as a request for <paramref name="version"/> (null: the default one) finds it: a version of a lazy model
    /// not loaded yet is loaded first, as an inference would load it, because metadata and configuration describe the
    /// loaded session and a Triton client asks for them before its first inference. A version that cannot be had
    /// (unknown, failed, unloaded on purpose) is left as it is for the caller to report. Null when the model is unknown.
    /// </summary>
    public static async ValueTask<ModelInfo?> GetModelForRequestAsync(
        this IModelRegistry registry, string name, long? version, CancellationToken cancellationToken)
    {
        var model = registry.GetModel(name);
        if (model is null || (version ?? model.DefaultVersion) is long target && model.FindVersion(target) is { State: ModelVersionState.Ready })
        {
            return model;
        }

        await registry.EnsureLoadedAsync(name, cancellationToken).ConfigureAwait(false);
        return registry.GetModel(name);
    }
}
