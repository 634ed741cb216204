namespace MaaS.Models.Registry;

/// <summary>
/// When a model is loaded (Triton's model control modes, per model): at start, or on its first request. A model's
/// <c>model.json</c> <c>loadPolicy</c> overrides the repository-wide <see cref="ServingOptions.LoadPolicy"/>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelLoadPolicy>))]
public enum ModelLoadPolicy
{
    /// <summary>Loaded when the registry starts (and when polling finds it); readiness waits for it.</summary>
    [JsonStringEnumMemberName("eager")]
    Eager,

    /// <summary>
    /// Listed at start but loaded by its first request (inference, embeddings, search, text): concurrent first
    /// requests share one load, a failed load answers that model's requests only, and readiness does not wait for it.
    /// The explicit load and unload calls work as for an eager model (an unloaded model stays unloaded).
    /// </summary>
    [JsonStringEnumMemberName("lazy")]
    Lazy,
}
