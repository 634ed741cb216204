namespace MaaS.Models.Onnx;

/// <summary>
/// One pass over an upload's <c>ModelProto</c> wire format (field numbers of onnx/onnx.proto) before any runtime sees
/// it. Refuses data stored outside the file wherever a <c>TensorProto</c> can appear: initializers and sparse
/// initializers of every graph, node attributes (<c>t</c>, <c>tensors</c>, <c>sparse_tensor(s)</c>, and the graphs of
/// <c>g</c>/<c>graphs</c>, recursively), function attribute defaults and function bodies, and the initialization and
/// algorithm graphs of <c>training_info</c>. Also refuses EPContext nodes (their cache attribute names a file),
/// malformed protobuf and nesting deeper than <see cref="MaxDepth"/>, and reports every declared dimension of the main
/// graph's inputs and outputs that is negative or larger than <see cref="int.MaxValue"/>. Reads nothing but the bytes.
/// </summary>
internal sealed class OnnxUploadScan
{
    /// <summary>Deepest message nesting followed (a graph inside a node attribute is three levels below its graph).</summary>
    public const int MaxDepth = 32;

    public const string ExternalData = "the model references external tensor data; upload a self-contained .onnx file";
    public const string TooDeep = "the model nests graphs too deeply";
    public const string Malformed = "the file is not a loadable ONNX model: it is not well-formed protobuf";
    public const string EpContext = "the model has an EPContext node, which refers to files outside the upload; upload a self-contained .onnx file";

    private const int MaxNameInMessage = 100;

    private readonly List<string> _problems = [];

    private OnnxUploadScan()
    {
    }

    private enum Kind { Model, MainGraph, Graph, TrainingInfo, Function, Node, Attribute, Tensor, SparseTensor }

    /// <summary>Why the whole file is refused (external data, EPContext, malformed, too deep), or null.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Every out-of-range declared dimension of the main graph's inputs and outputs, naming the tensor.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public static OnnxUploadScan Run(ReadOnlySpan<byte> model)
    {
        var scan = new OnnxUploadScan();
        scan.Walk(model, Kind.Model, 0);
        return scan;
    }

    /// <summary>Walks one message; false once a refusal is found (the walk stops there).</summary>
    private bool Walk(ReadOnlySpan<byte> message, Kind kind, int depth)
    {
        if (depth > MaxDepth)
        {
            return Refuse(TooDeep);
        }

        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out int field, out int wire))
            {
                return Refuse(Malformed);
            }

            // TensorProto.data_location (14): ONNX Runtime reads EXTERNAL from a file, or from a memory address under
            // its */_ORT_MEM_ADDR_/* convention; any value but DEFAULT is refused.
            if (kind == Kind.Tensor && field == 14 && wire == ProtoWireReader.Varint)
            {
                if (!reader.TryReadVarint(out ulong location))
                {
                    return Refuse(Malformed);
                }

                if (location != 0)
                {
                    return Refuse(ExternalData);
                }

                continue;
            }

            if (wire != ProtoWireReader.LengthDelimited)
            {
                if (!reader.TrySkip(wire))
                {
                    return Refuse(Malformed);
                }

                continue;
            }

            // TensorProto.external_data (13): key/value entries naming where the data lives.
            if (kind == Kind.Tensor && field == 13)
            {
                return Refuse(ExternalData);
            }

            if (!reader.TryReadLengthDelimited(out var payload))
            {
                return Refuse(Malformed);
            }

            if (kind == Kind.Node && field == 4 && payload.SequenceEqual("EPContext"u8))
            {
                return Refuse(EpContext);
            }

            if (kind == Kind.MainGraph && field is 11 or 12 && !CheckDimensions(payload, field == 11 ? "input" : "output"))
            {
                return Refuse(Malformed);
            }

            if (Child(kind, field) is { } child && !Walk(payload, child, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static Kind? Child(Kind kind, int field) => (kind, field) switch
    {
        (Kind.Model, 7) => Kind.MainGraph,
        (Kind.Model, 20) => Kind.TrainingInfo,
        (Kind.Model, 25) => Kind.Function,
        (Kind.MainGraph or Kind.Graph, 1) => Kind.Node,
        (Kind.MainGraph or Kind.Graph, 5) => Kind.Tensor,
        (Kind.MainGraph or Kind.Graph, 15) => Kind.SparseTensor,
        (Kind.TrainingInfo, 1 or 2) => Kind.Graph,
        (Kind.Function, 7) => Kind.Node,
        (Kind.Function, 11) => Kind.Attribute,
        (Kind.Node, 5) => Kind.Attribute,
        (Kind.Attribute, 5 or 10) => Kind.Tensor,
        (Kind.Attribute, 6 or 11) => Kind.Graph,
        (Kind.Attribute, 22 or 23) => Kind.SparseTensor,
        (Kind.SparseTensor, 1 or 2) => Kind.Tensor,
        _ => null,
    };

    /// <summary>
    /// Reads a main-graph ValueInfoProto (name 1, type 2 → tensor_type 1 → shape 2 → dim 1 → dim_value 1 / dim_param 2)
    /// and records each dimension out of range; false on malformed protobuf. Repeated messages merge as protobuf merges
    /// them (dims append), so every value ONNX Runtime could see is checked.
    /// </summary>
    private bool CheckDimensions(ReadOnlySpan<byte> valueInfo, string kind)
    {
        string name = string.Empty;
        var dims = new List<long?>();
        var reader = new ProtoWireReader(valueInfo);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out int field, out int wire))
            {
                return false;
            }

            if (wire == ProtoWireReader.LengthDelimited && field is 1 or 2)
            {
                if (!reader.TryReadLengthDelimited(out var payload))
                {
                    return false;
                }

                if (field == 1)
                {
                    name = Encoding.UTF8.GetString(payload);
                }
                else if (!Nested(payload, 1, tensorType => Nested(tensorType, 2, shape => Dims(shape, dims))))
                {
                    return false;
                }
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        for (int axis = 0; axis < dims.Count; axis++)
        {
            if (dims[axis] is long value and (< 0 or > int.MaxValue))
            {
                string shown = name.Length <= MaxNameInMessage ? name : name[..MaxNameInMessage] + "…";
                _problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{kind} '{shown}' declares dimension {axis} as {value}; a dimension must be 0..{int.MaxValue} or symbolic"));
            }
        }

        return true;
    }

    /// <summary>Runs <paramref name="read"/> on every length-delimited field <paramref name="number"/> of a message.</summary>
    private static bool Nested(ReadOnlySpan<byte> message, int number, SpanReader read)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out int field, out int wire))
            {
                return false;
            }

            if (field == number && wire == ProtoWireReader.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var payload) || !read(payload))
                {
                    return false;
                }
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>TensorShapeProto: each dim's value (null when symbolic or unset; the last of the oneof wins).</summary>
    private static bool Dims(ReadOnlySpan<byte> shape, List<long?> dims) => Nested(shape, 1, dim =>
    {
        long? value = null;
        var reader = new ProtoWireReader(dim);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadTag(out int field, out int wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWireReader.Varint)
            {
                if (!reader.TryReadVarint(out ulong raw))
                {
                    return false;
                }

                value = unchecked((long)raw);
            }
            else if (field == 2 && wire == ProtoWireReader.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out _))
                {
                    return false;
                }

                value = null;
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        dims.Add(value);
        return true;
    });

    private bool Refuse(string reason)
    {
        Refusal = reason;
        return false;
    }

    private delegate bool SpanReader(ReadOnlySpan<byte> payload);
}
