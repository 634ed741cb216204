using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Gateway.Market;

/// <summary>What an uploaded ONNX file declares, read from a session built in memory.</summary>
/// <param name="Inputs">Input names and shapes (-1 for dynamic), model order.</param>
/// <param name="Outputs">Output names and shapes, model order.</param>
internal sealed record OnnxFacts(IReadOnlyList<(string Name, long[] Shape)> Inputs, IReadOnlyList<(string Name, long[] Shape)> Outputs);

/// <summary>
/// Checks uploaded bytes before anything touches the repository: no external-data references (they name files by
/// path, which an upload must never reach), then a real ONNX Runtime session from the bytes in memory, with every
/// input and output a tensor of a type the server can serve.
/// </summary>
internal static class OnnxUploadValidator
{
    private static readonly HashSet<TensorElementType> Supported =
    [
        TensorElementType.Bool, TensorElementType.UInt8, TensorElementType.Int8, TensorElementType.Int32, TensorElementType.Int64,
        TensorElementType.Float16, TensorElementType.Float, TensorElementType.Double, TensorElementType.String,
    ];

    public static OnnxFacts? Validate(byte[] bytes, out string? error)
    {
        if (ExternalDataScanner.Find(bytes) is { } reason)
        {
            error = reason;
            return null;
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

            error = problems.Count == 0 ? null : string.Join("; ", problems);
            return error is null ? new OnnxFacts(inputs, outputs) : null;
        }
        catch (OnnxRuntimeException e)
        {
            error = $"the file is not a loadable ONNX model: {Shorten(e.Message)}";
            return null;
        }
    }

    private static List<(string, long[])> Read(IReadOnlyDictionary<string, NodeMetadata> metadata, string kind, List<string> problems)
    {
        var list = new List<(string, long[])>();
        foreach (var (name, node) in metadata)
        {
            if (!node.IsTensor || !Supported.Contains(node.ElementDataType))
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
