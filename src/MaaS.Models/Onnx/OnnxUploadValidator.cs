using Microsoft.ML.OnnxRuntime;
using ErrorCode = MaaS.Core.ErrorCode;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Models.Onnx;

/// <summary>What an uploaded ONNX file declares, read from a session built in memory.</summary>
/// <param name="Inputs">Input names and shapes (-1 for dynamic), model order.</param>
/// <param name="Outputs">Output names and shapes, model order.</param>
public sealed record OnnxFacts(IReadOnlyList<(string Name, long[] Shape)> Inputs, IReadOnlyList<(string Name, long[] Shape)> Outputs);

/// <summary>
/// Checks uploaded bytes before anything touches the repository: first a scan of the protobuf itself
/// (<see cref="OnnxUploadScan"/>: no external data anywhere in the model, no out-of-range declared dimensions), then a
/// real ONNX Runtime session from the bytes in memory, with every input and output a tensor of a type the server can
/// serve (<see cref="OnnxTypes"/>). Nothing on the file system is read: the scan refuses every external reference
/// before the session exists, and the session's external-data folder is one that does not exist. Thread-safe (no state).
/// </summary>
public static class OnnxUploadValidator
{
    /// <summary>
    /// Where ONNX Runtime would look for external data of a model loaded from memory (it resolves against the working
    /// directory otherwise): a folder that is never created, so a reference the scan missed fails to open.
    /// </summary>
    internal static readonly string NoExternalDataFolder = Path.Combine(Path.GetTempPath(), "maas-no-external-data-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// The model's inputs and outputs, or <see cref="ErrorCode.InvalidRequest"/> saying every reason it cannot be
    /// served. Builds (and disposes) one single-threaded session without graph optimisation.
    /// </summary>
    /// <param name="bytes">The uploaded file; not retained.</param>
    public static Result<OnnxFacts> Validate(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var scan = OnnxUploadScan.Run(bytes);
        if (scan.Refusal is { } reason)
        {
            return Invalid(reason);
        }

        if (scan.Problems.Count > 0)
        {
            return Invalid(string.Join("; ", scan.Problems));
        }

        try
        {
            using var session = CreateSession(bytes);
            var problems = new List<string>();
            var inputs = Read(session.InputMetadata, "input", problems);
            var outputs = Read(session.OutputMetadata, "output", problems);
            if (inputs.Count == 0 || outputs.Count == 0)
            {
                problems.Add("the model must have at least one input and one output");
            }

            return problems.Count == 0 ? new OnnxFacts(inputs, outputs) : Invalid(string.Join("; ", problems));
        }
        catch (OnnxRuntimeException e)
        {
            return Invalid($"the file is not a loadable ONNX model: {Shorten(e.Message)}");
        }
    }

    /// <summary>The validation session over <paramref name="bytes"/> in memory (caller disposes); throws what ORT throws.</summary>
    internal static InferenceSession CreateSession(byte[] bytes)
    {
        using var options = new OrtSessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        options.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", NoExternalDataFolder);
        return new InferenceSession(bytes, options);
    }

    private static Error Invalid(string message) => new(ErrorCode.InvalidRequest, message);

    private static List<(string, long[])> Read(IReadOnlyDictionary<string, NodeMetadata> metadata, string kind, List<string> problems)
    {
        var list = new List<(string, long[])>();
        foreach (var (name, node) in metadata)
        {
            if (!node.IsTensor || !OnnxTypes.TryMap(node.ElementDataType, out _))
            {
                problems.Add($"{kind} '{name}' is not a tensor of a supported type");
                continue;
            }

            list.Add((name, [.. node.Dimensions.Select(d => (long)d)]));
        }

        return list;
    }

    private static string Shorten(string message) => message.Length <= 300 ? message : message[..300] + "…";
}
