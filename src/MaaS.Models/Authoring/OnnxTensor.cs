namespace MaaS.Models.Authoring;

/// <summary>
/// A constant tensor for an initializer or a <c>Constant</c> node: element type, dimensions and little-endian raw bytes.
/// Immutable once created; the factories copy their input.
/// </summary>
public sealed class OnnxTensor
{
    private OnnxTensor(OnnxElementType type, long[] dims, byte[] raw)
    {
        long count = 1;
        foreach (long d in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dims));
            count *= d;
        }

        int size = ElementSize(type);
        if (count * size != raw.Length)
        {
            throw new ArgumentException($"Tensor of shape [{string.Join(',', dims)}] needs {count} elements, got {raw.Length / size}.");
        }

        ElementType = type;
        Dims = dims;
        RawData = raw;
    }

    /// <summary>Element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>Dimensions (all fixed).</summary>
    public IReadOnlyList<long> Dims { get; }

    internal byte[] RawData { get; }

    /// <summary>A float tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromFloats(ReadOnlySpan<float> values, params long[] dims) =>
        new(OnnxElementType.Float, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A 64-bit integer tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromInt64s(ReadOnlySpan<long> values, params long[] dims) =>
        new(OnnxElementType.Int64, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A 32-bit integer tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromInt32s(ReadOnlySpan<int> values, params long[] dims) =>
        new(OnnxElementType.Int32, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A 64-bit float tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromDoubles(ReadOnlySpan<double> values, params long[] dims) =>
        new(OnnxElementType.Double, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A float16 tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromHalves(ReadOnlySpan<Half> values, params long[] dims) =>
        new(OnnxElementType.Float16, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A signed 8-bit tensor of the given shape; <paramref name="values"/> is copied, row-major.</summary>
    public static OnnxTensor FromSBytes(ReadOnlySpan<sbyte> values, params long[] dims) =>
        new(OnnxElementType.Int8, dims, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A scalar (rank 0) float.</summary>
    public static OnnxTensor Scalar(float value) => FromFloats([value]);

    /// <summary>A scalar (rank 0) 64-bit integer.</summary>
    public static OnnxTensor Scalar(long value) => FromInt64s([value]);

    private static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.Float or OnnxElementType.Int32 => 4,
        OnnxElementType.Int64 or OnnxElementType.Double => 8,
        OnnxElementType.Float16 => 2,
        OnnxElementType.Int8 or OnnxElementType.UInt8 or OnnxElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No fixed-size raw encoding for this element type."),
    };
}
