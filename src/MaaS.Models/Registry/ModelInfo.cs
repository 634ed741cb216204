namespace MaaS.Models.Registry;

/// <summary>Lifecycle state of a model version (Triton's names).</summary>
public enum ModelVersionState
{
    /// <summary>Loaded and serving (readiness also needs a closed circuit).</summary>
    Ready,
    /// <summary>Not serving: failed to load, unloaded, or superseded.</summary>
    Unavailable,
    /// <summary>Being loaded.</summary>
    Loading,
    /// <summary>Being unloaded.</summary>
    Unloading,
}

/// <summary>A point-in-time view of one model (immutable).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Config">
/// The model.json in effect: the last good one while <paramref name="ConfigError"/> is set, or null when none was ever valid.
/// </param>
/// <param name="Versions">Known versions, ascending.</param>
/// <param name="DefaultVersion">Version served when a request names none (null when none is ready).</param>
/// <param name="IsReady">The default version is ready.</param>
/// <param name="Reason">Why the model is not ready, if it is not.</param>
/// <param name="ConfigError">
/// Why the model.json on disk is not in effect (unreadable, missing or invalid), or null when it is. With a non-null
/// <paramref name="Config"/> the model keeps serving on its last good settings until the file is fixed.
/// </param>
/// <param name="LoadsOnFirstRequest">
/// A lazy model (<see cref="ModelLoadPolicy.Lazy"/>) not loaded yet: its first request loads it, so it is not ready
/// without being broken (strict readiness leaves it out).
/// </param>
public sealed record ModelInfo(
    string Name,
    ModelConfig? Config,
    IReadOnlyList<ModelVersionInfo> Versions,
    long? DefaultVersion,
    bool IsReady,
    string? Reason,
    string? ConfigError = null,
    bool LoadsOnFirstRequest = false)
{
    /// <summary>The model's version policy (pin and canary) and whether its canary serves now.</summary>
    public VersionPolicyState Policy { get; init; } = new(VersionPolicy.None, null);

    /// <summary>The version's view, or null.</summary>
    public ModelVersionInfo? FindVersion(long version) => Versions.FirstOrDefault(v => v.Version == version);
}

/// <summary>A point-in-time view of one model version (immutable apart from the live <see cref="Statistics"/>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version number.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="IsReady">Loaded and its circuit is closed.</param>
/// <param name="Reason">Why it is not ready (load error, "unloaded", "circuit open"...).</param>
/// <param name="Platform">Platform of the loaded artifact (e.g. <c>onnxruntime_onnx</c>).</param>
/// <param name="Signature">Inputs and outputs of a tensor model.</param>
/// <param name="Properties">Format-specific facts (execution provider...).</param>
/// <param name="Card">The version's card.json, if any.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="IsBatching">Whether dynamic batching serves it.</param>
/// <param name="Statistics">Live counters while loaded.</param>
public sealed record ModelVersionInfo(
    string Name,
    long Version,
    ModelVersionState State,
    bool IsReady,
    string? Reason,
    string? Platform,
    ModelSignature? Signature,
    IReadOnlyDictionary<string, string> Properties,
    JsonElement? Card,
    DateTimeOffset? LoadedAt,
    bool IsBatching,
    ModelStatistics? Statistics);

/// <summary>One row of the repository index: a model version on disk or in the registry.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version, or null for a model with no version folder.</param>
/// <param name="State">State, or null when never loaded.</param>
/// <param name="Reason">Why it is not ready.</param>
public sealed record RepositoryIndexEntry(string Name, long? Version, ModelVersionState? State, string? Reason);
