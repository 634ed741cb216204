namespace MaaS.Recommendations.Kernels;

/// <summary><c>destination[k] = source[k] * scale</c> from sbyte; the widening chain TensorPrimitives lacks.</summary>
internal static class DequantizeInt8
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<Operator, MapState<sbyte, float>>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(ReadOnlySpan<sbyte> source, float scale, Span<float> destination, VectorWidth width = VectorWidth.Auto)
    {
        var state = new MapState<sbyte, float>(source, destination);
        VectorDriver.Run<Operator, MapState<sbyte, float>>(ref state, source.Length, scale, width);
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static void RunScalar(ReadOnlySpan<sbyte> source, float scale, Span<float> destination)
    {
        for (int k = 0; k < source.Length; k++)
        {
            destination[k] = source[k] * scale;
        }
    }

    /// <summary>Each step widens as many bytes as one float vector holds: 4, 8 or 16.</summary>
    private readonly struct Operator : IVectorOperator<MapState<sbyte, float>>
    {
        public static int StepAt128 => Vector128<float>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<sbyte, float> state, int i, float scale)
        {
            Unsafe.Add(ref state.Destination, i) = Unsafe.Add(ref state.Source, i) * scale;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<sbyte, float> state, int i, Vector128<float> scale)
        {
            var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref state.Source, i)))).AsSByte();
            var ints = Vector128.WidenLower(Vector128.WidenLower(bytes));
            (Vector128.ConvertToSingle(ints) * scale).StoreUnsafe(ref state.Destination, (nuint)i);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<sbyte, float> state, int i, Vector256<float> scale)
        {
            var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref state.Source, i)))).AsSByte();
            var ints = Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe());
            (Vector256.ConvertToSingle(ints) * scale).StoreUnsafe(ref state.Destination, (nuint)i);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<sbyte, float> state, int i, Vector512<float> scale)
        {
            // 16 bytes widen to 16 ints in one 512-bit register.
            var bytes = Vector128.LoadUnsafe(ref state.Source, (nuint)i);
            var ints = Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe()).ToVector512Unsafe());
            (Vector512.ConvertToSingle(ints) * scale).StoreUnsafe(ref state.Destination, (nuint)i);
            return true;
        }
    }
}
