namespace MaaS.Recommendations.Kernels;

/// <summary>
/// <c>Σ x[k] · y[k]</c> over sbyte, exact in int: what int8 vector search scans with. TensorPrimitives has no integer
/// dot that widens, and dequantising to float first (the store's earlier path) wrote four bytes per value it read.
/// </summary>
internal static class DotInt8
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<Operator, State>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y, VectorWidth width = VectorWidth.Auto)
    {
        var state = new State(x, y);
        VectorDriver.Run<Operator, State>(ref state, x.Length, 0, width);
        return state.Total(width);
    }

    /// <summary>Scalar reference used by tests.</summary>
    public static int RunScalar(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        if (y.Length != x.Length)
        {
            throw new ArgumentException("The spans differ in length.", nameof(y));
        }

        int sum = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }

        return sum;
    }

    /// <summary>The two spans and one accumulator per width (only the width the driver picked and the scalar tail add
    /// to theirs; the others stay zero), summed once at the end.</summary>
    internal ref struct State
    {
        public ref sbyte X;
        public ref sbyte Y;
        public int Scalar;
        public Vector128<int> Sum128;
        public Vector256<int> Sum256;
        public Vector512<int> Sum512;

        public State(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
        {
            if (y.Length != x.Length)
            {
                throw new ArgumentException("The spans differ in length.", nameof(y));
            }

            X = ref MemoryMarshal.GetReference(x);
            Y = ref MemoryMarshal.GetReference(y);
        }

        /// <summary>The accumulators' sum; a width that is not accelerated here is read only when it was named (tests),
        /// as its software fallback would cost more per row than the row's dot.</summary>
        public readonly int Total(VectorWidth width)
        {
            int total = Scalar;
            if (Vector128.IsHardwareAccelerated || width == VectorWidth.Bits128)
            {
                total += Vector128.Sum(Sum128);
            }

            if (Vector256.IsHardwareAccelerated || width == VectorWidth.Bits256)
            {
                total += Vector256.Sum(Sum256);
            }

            if (Vector512.IsHardwareAccelerated || width == VectorWidth.Bits512)
            {
                total += Vector512.Sum(Sum512);
            }

            return total;
        }
    }

    /// <summary>Each step reads 16, 32 or 64 bytes of each span, multiplies them as shorts (|−128 · −128| fits) and
    /// widens the products to int before adding, so no length or value overflows short lanes.</summary>
    private readonly struct Operator : IVectorOperator<State>
    {
        public static int StepAt128 => Vector128<sbyte>.Count;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, float unused)
        {
            state.Scalar += Unsafe.Add(ref state.X, i) * Unsafe.Add(ref state.Y, i);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, Vector128<float> unused)
        {
            var x = Vector128.LoadUnsafe(ref state.X, (nuint)i);
            var y = Vector128.LoadUnsafe(ref state.Y, (nuint)i);
            var low = Vector128.WidenLower(x) * Vector128.WidenLower(y);
            var high = Vector128.WidenUpper(x) * Vector128.WidenUpper(y);
            state.Sum128 += Vector128.WidenLower(low) + Vector128.WidenUpper(low) + Vector128.WidenLower(high) + Vector128.WidenUpper(high);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, Vector256<float> unused)
        {
            var x = Vector256.LoadUnsafe(ref state.X, (nuint)i);
            var y = Vector256.LoadUnsafe(ref state.Y, (nuint)i);
            var low = Vector256.WidenLower(x) * Vector256.WidenLower(y);
            var high = Vector256.WidenUpper(x) * Vector256.WidenUpper(y);
            state.Sum256 += Vector256.WidenLower(low) + Vector256.WidenUpper(low) + Vector256.WidenLower(high) + Vector256.WidenUpper(high);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, Vector512<float> unused)
        {
            var x = Vector512.LoadUnsafe(ref state.X, (nuint)i);
            var y = Vector512.LoadUnsafe(ref state.Y, (nuint)i);
            var low = Vector512.WidenLower(x) * Vector512.WidenLower(y);
            var high = Vector512.WidenUpper(x) * Vector512.WidenUpper(y);
            state.Sum512 += Vector512.WidenLower(low) + Vector512.WidenUpper(low) + Vector512.WidenLower(high) + Vector512.WidenUpper(high);
            return true;
        }
    }
}
