namespace MaaS.Models.Registry;

/// <summary>
/// One loaded model version, whatever its format. The registry owns it and disposes it once the version is retired
/// and the last in-flight request has released it. Implementations must be thread-safe for reads.
/// </summary>
public interface ILoadedModel : IDisposable
{
    /// <summary>Platform name reported in metadata (for example <c>onnxruntime_onnx</c>, <c>maas_itemcf</c>).</summary>
    string Platform { get; }

    /// <summary>Format-specific facts shown in metadata (execution provider, producer, sizes...).</summary>
    IReadOnlyDictionary<string, string> Properties { get; }
}
