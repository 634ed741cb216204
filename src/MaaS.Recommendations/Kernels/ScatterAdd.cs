namespace MaaS.Recommendations.Kernels;

/// <summary>
/// <c>accumulator[indices[k]] += scale * weights[k]</c>, the inner loop of both co-occurrence counting and scoring.
/// Indices must be unique within one call (a CSR row and a neighbour list are).
/// </summary>
internal static class ScatterAdd
{
    /// <summary>The paths of <see cref="RunGatherUnchecked"/>; <see cref="RunUnchecked"/> is scalar by measurement.</summary>
    internal static VectorWidth[] GatherPaths { get; } = VectorDriver.Paths<GatherOperator, GatherState>();

    public static unsafe void Run(Span<float> accumulator, ReadOnlySpan<int> indices, ReadOnlySpan<float> weights, float scale)
    {
        if (weights.Length < indices.Length)
        {
            throw new ArgumentException("Weights are shorter than indices.", nameof(weights));
        }

        int length = indices.Length;
        if (length == 0)
        {
            return;
        }

        if (TensorPrimitives.Min(indices) < 0 || TensorPrimitives.Max(indices) >= accumulator.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), "An index lies outside the accumulator.");
        }

        RunUnchecked(accumulator, indices, weights, scale);
    }

    /// <summary>
    /// No index validation: for rows the index built itself. Scalar, unrolled by four: on the AMD EPYC (Zen) machines
    /// here the AVX2 gather with a lane-by-lane write-back (<see cref="RunGatherUnchecked"/>) measured slower than plain
    /// loads and stores (KernelBenchmarks, docs/benchmarks.md), so the hot loops use this one.
    /// </summary>
    internal static unsafe void RunUnchecked(Span<float> accumulator, ReadOnlySpan<int> indices, ReadOnlySpan<float> weights, float scale)
    {
        int length = indices.Length;
        int i = 0;
        fixed (float* acc = accumulator)
        fixed (int* ix = indices)
        fixed (float* w = weights)
        {
            for (; i <= length - 4; i += 4)
            {
                // Indices are unique within a call, so the four read-modify-writes are independent.
                int a = ix[i], b = ix[i + 1], c = ix[i + 2], d = ix[i + 3];
                acc[a] = MathF.FusedMultiplyAdd(w[i], scale, acc[a]);
                acc[b] = MathF.FusedMultiplyAdd(w[i + 1], scale, acc[b]);
                acc[c] = MathF.FusedMultiplyAdd(w[i + 2], scale, acc[c]);
                acc[d] = MathF.FusedMultiplyAdd(w[i + 3], scale, acc[d]);
            }

            for (; i < length; i++)
            {
                acc[ix[i]] = MathF.FusedMultiplyAdd(w[i], scale, acc[ix[i]]);
            }
        }
    }

    /// <summary>AVX2 variant: lanes gathered, fused multiply-added, written back lane by lane (no scatter before AVX-512).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe void RunGatherUnchecked(Span<float> accumulator, ReadOnlySpan<int> indices, ReadOnlySpan<float> weights, float scale, VectorWidth width = VectorWidth.Auto)
    {
        fixed (float* acc = accumulator)
        fixed (int* ix = indices)
        fixed (float* w = weights)
        {
            var state = new GatherState { Accumulator = acc, Indices = ix, Weights = w };
            VectorDriver.Run<GatherOperator, GatherState>(ref state, indices.Length, scale, width);
        }
    }

    /// <summary>Scalar loop: the reference for tests, and what the SIMD path is benchmarked against.</summary>
    public static void RunScalar(Span<float> accumulator, ReadOnlySpan<int> indices, ReadOnlySpan<float> weights, float scale)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            accumulator[indices[k]] = MathF.FusedMultiplyAdd(weights[k], scale, accumulator[indices[k]]);
        }
    }

    private unsafe struct GatherState
    {
        public float* Accumulator;
        public int* Indices;
        public float* Weights;
    }

    /// <summary>The AVX2 hardware gather only (on x64, 256-bit acceleration means AVX2); see <see cref="RunGatherUnchecked"/>.</summary>
    private readonly unsafe struct GatherOperator : IVectorOperator<GatherState>
    {
        public static int StepAt128 => Vector128<int>.Count;

        public static VectorWidth Widest => VectorWidth.Bits256;

        public static VectorWidth Narrowest => VectorWidth.Bits256;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref GatherState state, int i, float scale)
        {
            float* acc = state.Accumulator;
            int k = state.Indices[i];
            acc[k] = MathF.FusedMultiplyAdd(state.Weights[i], scale, acc[k]);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref GatherState state, int i, Vector256<float> scale)
        {
            float* acc = state.Accumulator;
            int* ix = state.Indices + i;
            var sum = Vector256.FusedMultiplyAdd(Avx.LoadVector256(state.Weights + i), scale, Avx2.GatherVector256(acc, Avx.LoadVector256(ix), 4));
            acc[ix[0]] = sum.GetElement(0);
            acc[ix[1]] = sum.GetElement(1);
            acc[ix[2]] = sum.GetElement(2);
            acc[ix[3]] = sum.GetElement(3);
            acc[ix[4]] = sum.GetElement(4);
            acc[ix[5]] = sum.GetElement(5);
            acc[ix[6]] = sum.GetElement(6);
            acc[ix[7]] = sum.GetElement(7);
            return true;
        }
    }
}
