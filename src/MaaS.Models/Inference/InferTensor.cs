namespace MaaS.Models.Inference;

/// <summary>
/// A named dense tensor in row-major order. <see cref="Data"/> is a one-dimensional array whose element type matches
/// <see cref="DataType"/> (see <see cref="TensorDataTypes.ElementType"/>). Once handed to the registry the arrays are
/// read, never written; callers must not mutate them until the call completes.
/// </summary>
/// <param name="Name">Tensor name as the model declares it.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Dimensions, all non-negative.</param>
/// <param name="Data">Elements, length = product of <paramref name="Shape"/>.</param>
public sealed record InferTensor(string Name, TensorDataType DataType, long[] Shape, Array Data)
{
    /// <summary>Number of elements the shape describes (product of dimensions; 1 for a scalar).</summary>
    public long ElementCount => ShapeMath.Product(Shape);

    /// <summary>A float tensor (no copy).</summary>
    public static InferTensor Fp32(string name, float[] data, params long[] shape) => new(name, TensorDataType.Fp32, shape, data);

    /// <summary>A double tensor (no copy).</summary>
    public static InferTensor Fp64(string name, double[] data, params long[] shape) => new(name, TensorDataType.Fp64, shape, data);

    /// <summary>A 32-bit integer tensor (no copy).</summary>
    public static InferTensor Int32(string name, int[] data, params long[] shape) => new(name, TensorDataType.Int32, shape, data);

    /// <summary>A 64-bit integer tensor (no copy).</summary>
    public static InferTensor Int64(string name, long[] data, params long[] shape) => new(name, TensorDataType.Int64, shape, data);

    /// <summary>A boolean tensor (no copy).</summary>
    public static InferTensor Bool(string name, bool[] data, params long[] shape) => new(name, TensorDataType.Bool, shape, data);

    /// <summary>A string (BYTES) tensor (no copy).</summary>
    public static InferTensor Bytes(string name, string[] data, params long[] shape) => new(name, TensorDataType.Bytes, shape, data);
}

/// <summary>Shape arithmetic shared by validation and batching.</summary>
public static class ShapeMath
{
    /// <summary>Product of the dimensions (1 for rank 0); saturates at <see cref="long.MaxValue"/> instead of overflowing.</summary>
    public static long Product(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                return -1;
            }

            if (d != 0 && count > long.MaxValue / d)
            {
                return long.MaxValue;
            }

            count *= d;
        }

        return count;
    }

    /// <summary>Shape rendered as <c>[a,b,c]</c> for messages.</summary>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(',', shape)}]";
}
