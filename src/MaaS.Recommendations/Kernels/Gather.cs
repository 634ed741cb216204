namespace MaaS.Recommendations.Kernels;

/// <summary><c>destination[k] = table[indices[k]]</c>; TensorPrimitives has no gather.</summary>
internal static class Gather
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<Operator, State>();

    /// <summary>Gathers; every index must lie in [0, table.Length) and is validated in one vectorised pass.</summary>
    public static void Run(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (destination.Length < indices.Length)
        {
            throw new ArgumentException("Destination is shorter than indices.", nameof(destination));
        }

        if (indices.Length == 0)
        {
            return;
        }

        // Out-of-range indices would read foreign memory in the hardware gather, so they are refused up front.
        if (TensorPrimitives.Min(indices) < 0 || TensorPrimitives.Max(indices) >= table.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), "An index lies outside the table.");
        }

        RunUnchecked(table, indices, destination);
    }

    /// <summary>Gathers without validating indices; callers own the invariant (indices come from the index itself).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe void RunUnchecked(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination, VectorWidth width = VectorWidth.Auto)
    {
        fixed (float* t = table)
        fixed (int* ix = indices)
        fixed (float* d = destination)
        {
            var state = new State { Table = t, Indices = ix, Destination = d };
            VectorDriver.Run<Operator, State>(ref state, indices.Length, 0f, width);
        }
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static void RunScalar(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            destination[k] = table[indices[k]];
        }
    }

    private unsafe struct State
    {
        public float* Table;
        public int* Indices;
        public float* Destination;
    }

    /// <summary>
    /// The AVX2 hardware gather only (on x64, 256-bit acceleration means AVX2): there is no portable gather to build
    /// 128- or 512-bit paths on. The argument is unused.
    /// </summary>
    private readonly unsafe struct Operator : IVectorOperator<State>
    {
        public static int StepAt128 => Vector128<int>.Count;

        public static VectorWidth Widest => VectorWidth.Bits256;

        public static VectorWidth Narrowest => VectorWidth.Bits256;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, float arg)
        {
            state.Destination[i] = state.Table[state.Indices[i]];
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref State state, int i, Vector256<float> arg)
        {
            Avx2.GatherVector256(state.Table, Avx.LoadVector256(state.Indices + i), 4).Store(state.Destination + i);
            return true;
        }
    }
}
