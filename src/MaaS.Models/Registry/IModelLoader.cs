namespace MaaS.Models.Registry;

/// <summary>
/// Loads one model format (the <c>format</c> field of model.json). Register implementations in DI as
/// <c>IModelLoader</c> (see <c>ModelRegistryServiceCollectionExtensions.AddModelLoader</c>); the registry picks one by
/// <see cref="Format"/>, case-insensitively. The registry loads several versions at once
/// (<see cref="ServingOptions.LoadParallelism"/>), each on a thread of its own: implementations are thread-safe.
/// </summary>
public interface IModelLoader
{
    /// <summary>Format name as written in model.json (for example <c>onnx</c>, <c>itemcf</c>).</summary>
    string Format { get; }

    /// <summary>
    /// Loads the version in <see cref="ModelLoadContext.VersionDirectory"/>. Returns the loaded model (ownership passes to
    /// the registry) or throws; the exception message becomes the version's unready reason.
    /// </summary>
    ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken);
}

/// <summary>What a loader is given to load one version.</summary>
/// <param name="ModelName">Model name (folder name).</param>
/// <param name="Version">Version number (folder name).</param>
/// <param name="VersionDirectory">Absolute path of the version folder.</param>
/// <param name="Config">Parsed model.json.</param>
/// <param name="Card">Parsed card.json of this version, if present.</param>
public sealed record ModelLoadContext(string ModelName, long Version, string VersionDirectory, ModelConfig Config, JsonElement? Card);
