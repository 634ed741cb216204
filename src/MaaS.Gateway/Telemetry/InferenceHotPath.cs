namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Marks the inference endpoints (<c>/v2</c> infer, gRPC): prometheus-net's HTTP metrics skip them, since the model
/// metrics already count every inference by model, version and outcome with its duration, queue time and batch size.
/// Measured on the 8→16→3 example the HTTP histogram, in-flight gauge and counter were a visible share of a request's
/// CPU (docs/benchmarks.md, "Lean /v2 path"); the dashboard's traffic ring still sees every request.
/// </summary>
internal sealed class InferenceHotPath
{
    public static readonly InferenceHotPath Instance = new();

    private InferenceHotPath()
    {
    }

    /// <summary>Whether the request was routed to an inference endpoint (routing runs first, so the endpoint is known).</summary>
    public static bool IsHotPath(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<InferenceHotPath>() is not null;
}

/// <summary>Adds <see cref="InferenceHotPath"/> to endpoints.</summary>
internal static class InferenceHotPathExtensions
{
    public static TBuilder OnInferenceHotPath<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(InferenceHotPath.Instance);
}
