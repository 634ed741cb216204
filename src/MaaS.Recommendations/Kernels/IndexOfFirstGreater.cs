namespace MaaS.Recommendations.Kernels;

/// <summary>Finds the first element strictly greater than a threshold; lets top-k selection skip whole vectors.</summary>
internal static class IndexOfFirstGreater
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<MaskScan<GreaterThan, Sink>, MaskScanState>();

    /// <summary>Index of the first <c>values[i] &gt; threshold</c>, or -1. NaN never compares greater.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Find(ReadOnlySpan<float> values, float threshold, VectorWidth width = VectorWidth.Auto)
    {
        var state = new MaskScanState(values, initialResult: -1);
        VectorDriver.Run<MaskScan<GreaterThan, Sink>, MaskScanState>(ref state, values.Length, threshold, width);
        return state.Result;
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static int FindScalar(ReadOnlySpan<float> values, float threshold)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > threshold)
            {
                return i;
            }
        }

        return -1;
    }

    private readonly struct Sink : IMaskSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Take(ref MaskScanState state, int baseIndex, ulong mask, int lanes)
        {
            if (mask == 0)
            {
                return true;
            }

            state.Result = baseIndex + BitOperations.TrailingZeroCount(mask);
            return false;
        }
    }
}
