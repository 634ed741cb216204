namespace MaaS.Models.Inference;

/// <summary>
/// Runs tensor inference on registry models: resolve the version, validate inputs against the model's signature,
/// then run through the version's dynamic batcher (or directly), under the per-request timeout and circuit breaker.
/// Expected failures come back as values, never exceptions. Thread-safe; the one entry point for /v1 and /v2.
/// </summary>
public interface IModelInference
{
    /// <summary>Infers on <paramref name="model"/> (its default version when <paramref name="version"/> is null).</summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version, or null for the default.</param>
    /// <param name="request">Inputs (arrays are not copied; do not mutate them until the call completes).</param>
    /// <param name="cancellationToken">Client cancellation (e.g. HttpContext.RequestAborted).</param>
    ValueTask<Result<InferenceResponse>> InferAsync(
        string model, long? version, InferenceRequest request, CancellationToken cancellationToken = default);
}
