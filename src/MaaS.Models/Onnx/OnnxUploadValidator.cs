using Google.Protobuf;
using MaaS.Core;
using ErrorCode = MaaS.Core.ErrorCode;
using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Models.Onnx;

/// <summary>What an uploaded ONNX file declares, read from a session built in memory.</summary>
/// <param name="Inputs">Input names and shapes (-1 for dynamic), model order.</param>
/// <param name="Outputs">Output names and shapes, model order.</param>
public sealed record OnnxFacts(IReadOnlyList<(string Name, long[] Shape)> Inputs, IReadOnlyList<(string Name, long[] Shape)> Outputs);

/// <summary>
/// Checks uploaded bytes before anything touches the repository: no external-data references (they name files by
/// path, which an upload must never reach), then a real ONNX Runtime session from the bytes in memory, with every
/// input and output a tensor of a type the server can serve (<see cref="OnnxTypes"/>). Thread-safe (no state).
/// </summary>
public static class OnnxUploadValidator
{
    /// <summary>
    /// The model's inputs and outputs, or <see cref="ErrorCode.InvalidRequest"/> saying every reason it cannot be
    /// served. Builds (and disposes) one single-threaded session without graph optimisation.
    /// </summary>
    /// <param name="bytes">The uploaded file; not retained.</param>
    public static Result<OnnxFacts> Validate(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (ExternalDataScanner.Find(bytes) is { } reason)
        {
            return Invalid(reason);
        }

        try
        {
            using var options = new OrtSessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
            };
            using var session = new InferenceSession(bytes, options);
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

    /// <summary>
    /// Walks the protobuf wire format of a ModelProto looking for tensors stored outside the file
    /// (TensorProto.data_location = EXTERNAL or external_data entries), in initializers and in node attributes of
    /// every (sub)graph. Malformed protobuf is left for ONNX Runtime to refuse.
    /// </summary>
    private static class ExternalDataScanner
    {
        private const int MaxDepth = 32;

        public static string? Find(byte[] bytes)
        {
            try
            {
                return Message(new CodedInputStream(bytes), Kind.Model, 0);
            }
            catch (InvalidProtocolBufferException)
            {
                return null;
            }
        }

        private enum Kind { Model, Function, Graph, Node, Attribute, Tensor, SparseTensor, Other }

        private static string? Message(CodedInputStream input, Kind kind, int depth)
        {
            if (depth > MaxDepth)
            {
                return "the model nests graphs too deeply";
            }

            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = WireFormat.GetTagFieldNumber(tag);
                var wire = WireFormat.GetTagWireType(tag);
                if (kind == Kind.Tensor && ((field == 14 && wire == WireFormat.WireType.Varint && input.ReadInt32() == 1) || (field == 13 && wire == WireFormat.WireType.LengthDelimited)))
                {
                    return "the model references external tensor data; upload a self-contained .onnx file";
                }

                if (field == 14 && kind == Kind.Tensor && wire == WireFormat.WireType.Varint)
                {
                    continue;
                }

                Kind child = (kind, field) switch
                {
                    (Kind.Model, 7) => Kind.Graph,
                    (Kind.Model, 25) => Kind.Function,
                    (Kind.Function, 7) => Kind.Node,
                    (Kind.Graph, 1) => Kind.Node,
                    (Kind.Graph, 5) => Kind.Tensor,
                    (Kind.Graph, 15) => Kind.SparseTensor,
                    (Kind.Node, 5) => Kind.Attribute,
                    (Kind.Attribute, 5) or (Kind.Attribute, 10) => Kind.Tensor,
                    (Kind.Attribute, 6) or (Kind.Attribute, 11) => Kind.Graph,
                    (Kind.Attribute, 22) or (Kind.Attribute, 23) => Kind.SparseTensor,
                    (Kind.SparseTensor, 1) or (Kind.SparseTensor, 2) => Kind.Tensor,
                    _ => Kind.Other,
                };
                if (child != Kind.Other && wire == WireFormat.WireType.LengthDelimited)
                {
                    var nested = new CodedInputStream(input.ReadBytes().ToByteArray());
                    if (Message(nested, child, depth + 1) is { } found)
                    {
                        return found;
                    }
                }
                else
                {
                    input.SkipLastField();
                }
            }

            return null;
        }
    }
}
