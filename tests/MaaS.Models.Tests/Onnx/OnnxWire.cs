namespace MaaS.Models.Tests.Onnx;

/// <summary>
/// Protobuf wire-format pieces of onnx.proto messages, for crafting uploads the authoring API never writes (external
/// data, functions, training_info). Field numbers are onnx/onnx.proto's; each helper names the message it writes.
/// </summary>
internal static class OnnxWire
{
    /// <summary>A length-delimited field.</summary>
    public static byte[] Field(int number, params byte[][] payload)
    {
        byte[] body = [.. payload.SelectMany(p => p)];
        return [.. Tag(number, 2), .. Varint((ulong)body.Length), .. body];
    }

    public static byte[] Text(int number, string value) => Field(number, Encoding.UTF8.GetBytes(value));

    /// <summary>A varint field (int64 values as two's complement, as protobuf writes them).</summary>
    public static byte[] Int(int number, long value) => [.. Tag(number, 0), .. Varint(unchecked((ulong)value))];

    /// <summary>
    /// TensorProto: float, shape [4], named <paramref name="name"/>, its data in <paramref name="location"/>
    /// (external_data location/offset/length and data_location = EXTERNAL, as onnx.save_model writes them).
    /// </summary>
    public static byte[] ExternalTensor(string name, string location, bool dataLocation = true, bool entries = true) =>
    [
        .. Int(1, 4), .. Int(2, 1), .. Text(8, name),
        .. (entries ? Entry(13, "location", location) : []),
        .. (entries ? Entry(13, "offset", "0") : []),
        .. (entries ? Entry(13, "length", "16") : []),
        .. (dataLocation ? Int(14, 1) : []),
    ];

    /// <summary>TensorProto: float, shape [4], values 1..4 in raw_data.</summary>
    public static byte[] InlineTensor(string name) =>
        [.. Int(1, 4), .. Int(2, 1), .. Text(8, name), .. Field(9, [.. new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes)])];

    /// <summary>SparseTensorProto of shape [4] whose values (one) are <paramref name="values"/> and indices inline.</summary>
    public static byte[] SparseTensor(byte[] values, byte[]? indices = null) =>
        [.. Field(1, values), .. Field(2, indices ?? [.. Int(1, 1), .. Int(2, 7), .. Text(8, "i"), .. Int(7, 0)]), .. Int(3, 4)];

    /// <summary>ValueInfoProto of a float tensor with the given dims (null: symbolic "N").</summary>
    public static byte[] ValueInfo(string name, params long?[] dims) =>
    [
        .. Text(1, name),
        .. Field(2, Field(1, Int(1, 1), Field(2, [.. dims.SelectMany(d => Field(1, d is { } v ? Int(1, v) : Text(2, "N")))]))),
    ];

    /// <summary>
    /// A loadable ModelProto (IR 10, opset 21): y = x + w with x, y float [4] and w from <paramref name="weight"/> (a
    /// TensorProto named w), plus <paramref name="more"/> model fields (functions, training_info, a second graph).
    /// </summary>
    public static byte[] AddModel(byte[] weight, params byte[][] more) =>
    [
        .. Int(1, 10),
        .. Field(7,
            Field(1, Text(1, "x"), Text(1, "w"), Text(2, "y"), Text(4, "Add")),
            Text(2, "add"),
            Field(5, weight),
            Field(11, ValueInfo("x", 4)),
            Field(12, ValueInfo("y", 4))),
        .. Field(8, Text(1, string.Empty), Int(2, 21)),
        .. more.SelectMany(m => m),
    ];

    private static byte[] Entry(int number, string key, string value) => Field(number, Text(1, key), Text(2, value));

    private static byte[] Tag(int number, int wire) => Varint((ulong)(number << 3 | wire));

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
