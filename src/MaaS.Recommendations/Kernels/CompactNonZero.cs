namespace MaaS.Recommendations.Kernels;

/// <summary>
/// Drains a dense accumulator: writes (index, value) of every non-zero element in index order and zeroes the
/// accumulator, so the next item reuses it without a separate clear. A vector of zeros costs one compare.
/// </summary>
internal static class CompactNonZero
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<MaskScan<NonZero, Sink>, MaskScanState>();

    /// <summary>Returns the number of pairs written. <paramref name="indices"/> and <paramref name="values"/> must
    /// hold at least the number of non-zero elements (the accumulator length is always enough).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Drain(Span<float> accumulator, Span<int> indices, Span<float> values, VectorWidth width = VectorWidth.Auto)
    {
        if (indices.Length < accumulator.Length || values.Length < accumulator.Length)
        {
            ThrowShort();
        }

        var state = new MaskScanState(accumulator, indices, values);
        VectorDriver.Run<MaskScan<NonZero, Sink>, MaskScanState>(ref state, accumulator.Length, 0f, width);
        return state.Result;
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static int DrainScalar(Span<float> accumulator, Span<int> indices, Span<float> values)
    {
        int count = 0;
        for (int i = 0; i < accumulator.Length; i++)
        {
            if (accumulator[i] != 0f)
            {
                indices[count] = i;
                values[count] = accumulator[i];
                count++;
                accumulator[i] = 0f;
            }
        }

        return count;
    }

    private static void ThrowShort() =>
        throw new ArgumentException("The output spans must be at least as long as the accumulator.");

    /// <summary><c>x != 0</c> (NaN included, -0 excluded); the argument is unused.</summary>
    private readonly struct NonZero : ILanePredicate
    {
        public static bool Invoke(float x, float arg) => x != 0f;

        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> arg) => ~Vector128.Equals(x, Vector128<float>.Zero);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> arg) => ~Vector256.Equals(x, Vector256<float>.Zero);

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> arg) => ~Vector512.Equals(x, Vector512<float>.Zero);
    }

    /// <summary>Emits the step's non-zero lanes, then clears the whole step with one store (the scan only reaches a
    /// store when something was non-zero; a -0 beside a non-zero lane therefore becomes +0, as it always has).</summary>
    private readonly struct Sink : IMaskSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Take(ref MaskScanState state, int baseIndex, ulong mask, int lanes)
        {
            if (mask != 0)
            {
                state.Emit(baseIndex, mask);
                ref float step = ref Unsafe.Add(ref state.Source, baseIndex);
                if (lanes == Vector512<float>.Count)
                {
                    Vector512<float>.Zero.StoreUnsafe(ref step);
                }
                else if (lanes == Vector256<float>.Count)
                {
                    Vector256<float>.Zero.StoreUnsafe(ref step);
                }
                else if (lanes == Vector128<float>.Count)
                {
                    Vector128<float>.Zero.StoreUnsafe(ref step);
                }
                else
                {
                    step = 0f;
                }
            }

            return true;
        }
    }
}
