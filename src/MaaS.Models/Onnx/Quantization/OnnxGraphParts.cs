using System.Buffers.Binary;

namespace MaaS.Models.Onnx.Quantization;

/// <summary>One field of a message: where it starts and ends, and where its length-delimited payload lies.</summary>
internal readonly record struct ProtoField(int Number, int Wire, int Start, int End, int PayloadStart)
{
    public Range Payload => PayloadStart..End;

    public Range Whole => Start..End;

    /// <summary>Every top-level field of <paramref name="message"/>, in order; throws on malformed input.</summary>
    public static List<ProtoField> ReadAll(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd)
        {
            int start = reader.Position;
            if (!reader.TryReadTag(out int number, out int wire))
            {
                throw new InvalidDataException("the model is not valid ONNX protobuf");
            }

            int payloadStart = reader.Position;
            if (wire == ProtoWireReader.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var payload))
                {
                    throw new InvalidDataException("the model is not valid ONNX protobuf (a field runs past its end)");
                }

                payloadStart = reader.Position - payload.Length;
            }
            else if (!reader.TrySkip(wire))
            {
                throw new InvalidDataException("the model is not valid ONNX protobuf");
            }

            fields.Add(new ProtoField(number, wire, start, reader.Position, payloadStart));
        }

        return fields;
    }

    public long Varint(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoWireReader(message[PayloadStart..End]);
        return reader.TryReadVarint(out ulong value) ? (long)value : throw new InvalidDataException("the model is not valid ONNX protobuf");
    }

    public float Float(ReadOnlySpan<byte> message) =>
        Wire == ProtoWireReader.Fixed32 ? BinaryPrimitives.ReadSingleLittleEndian(message[PayloadStart..End]) : throw new InvalidDataException("a float attribute is not fixed32");

    public string Text(ReadOnlySpan<byte> message) => Encoding.UTF8.GetString(message[Payload]);
}

/// <summary>The parts of an ONNX NodeProto the quantiser reads (onnx.proto field numbers).</summary>
internal sealed record NodeFacts(string[] Inputs, string[] Outputs, string Name, string OpType, string Domain, IReadOnlyDictionary<string, ProtoField> Attributes, bool HasSubgraph)
{
    public static NodeFacts Parse(ReadOnlySpan<byte> node)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", opType = "", domain = "";
        var attributes = new Dictionary<string, ProtoField>(StringComparer.Ordinal);
        bool subgraph = false;
        foreach (var field in ProtoField.ReadAll(node))
        {
            switch (field.Number)
            {
                case 1: inputs.Add(field.Text(node)); break;
                case 2: outputs.Add(field.Text(node)); break;
                case 3: name = field.Text(node); break;
                case 4: opType = field.Text(node); break;
                case 7: domain = field.Text(node); break;
                case 5:
                    var attribute = node[field.Payload];
                    string attributeName = "";
                    ProtoField? value = null;
                    foreach (var part in ProtoField.ReadAll(attribute))
                    {
                        switch (part.Number)
                        {
                            case 1: attributeName = part.Text(attribute); break;
                            case 2 or 3: value = part with { Start = part.Start + field.PayloadStart, End = part.End + field.PayloadStart, PayloadStart = part.PayloadStart + field.PayloadStart }; break;
                            case 6 or 11: subgraph = true; break; // g, graphs: If, Loop, Scan bodies may read the outer initializers
                        }
                    }

                    if (value is { } v)
                    {
                        attributes[attributeName] = v;
                    }

                    break;
            }
        }

        return new NodeFacts([.. inputs], [.. outputs], name, opType, domain, attributes, subgraph);
    }

    public bool IsDefaultDomain => Domain is "" or "ai.onnx";

    public long Int(ReadOnlySpan<byte> node, string attribute, long fallback) => Attributes.TryGetValue(attribute, out var f) ? f.Varint(node) : fallback;

    public float Float(ReadOnlySpan<byte> node, string attribute, float fallback) => Attributes.TryGetValue(attribute, out var f) ? f.Float(node) : fallback;
}

/// <summary>The parts of an ONNX TensorProto the quantiser reads: name, type, dimensions and where the data is.</summary>
internal sealed record TensorFacts(string Name, int DataType, long[] Dims, ProtoField? RawData, List<ProtoField> FloatData, bool Unusual)
{
    public const int Float = 1;
    public const int Int8 = 3;

    public static TensorFacts Parse(ReadOnlySpan<byte> tensor)
    {
        string name = "";
        int dataType = 0;
        var dims = new List<long>();
        ProtoField? raw = null;
        var floats = new List<ProtoField>();
        bool unusual = false;
        foreach (var field in ProtoField.ReadAll(tensor))
        {
            switch (field.Number)
            {
                case 1 when field.Wire == ProtoWireReader.LengthDelimited:
                    var packed = new ProtoWireReader(tensor[field.Payload]);
                    while (!packed.AtEnd)
                    {
                        dims.Add(packed.TryReadVarint(out ulong d) ? (long)d : throw new InvalidDataException("malformed tensor dims"));
                    }

                    break;
                case 1: dims.Add(field.Varint(tensor)); break;
                case 2: dataType = (int)field.Varint(tensor); break;
                case 8: name = field.Text(tensor); break;
                case 9: raw = field; break;
                case 4: floats.Add(field); break;
                case 3 or 13 or 14: unusual = true; break; // segment, external_data, data_location: left as they are
            }
        }

        return new TensorFacts(name, dataType, [.. dims], raw, floats, unusual);
    }

    /// <summary>The values of a float tensor, or null when they are not plainly stored (or do not match the dims).</summary>
    public float[]? Floats(ReadOnlySpan<byte> tensor)
    {
        long count = Dims.Aggregate(1L, (a, d) => a * d);
        if (DataType != Float || Unusual || count > int.MaxValue)
        {
            return null;
        }

        var values = new List<float>((int)Math.Min(count, 1 << 20));
        if (RawData is { } raw)
        {
            var bytes = tensor[raw.Payload];
            if (bytes.Length != count * 4)
            {
                return null;
            }

            var result = new float[count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }

            return result;
        }

        foreach (var field in FloatData)
        {
            if (field.Wire == ProtoWireReader.Fixed32)
            {
                values.Add(field.Float(tensor));
                continue;
            }

            var packed = tensor[field.Payload];
            for (int i = 0; i + 4 <= packed.Length; i += 4)
            {
                values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed.Slice(i, 4)));
            }
        }

        return values.Count == count ? [.. values] : null;
    }
}
