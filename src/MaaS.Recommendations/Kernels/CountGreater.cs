namespace MaaS.Recommendations.Kernels;

/// <summary>Counts elements strictly greater than a threshold (compare mask + popcount); TensorPrimitives has no count.</summary>
internal static class CountGreater
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<MaskScan<GreaterThan, Sink>, MaskScanState>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Count(ReadOnlySpan<float> values, float threshold, VectorWidth width = VectorWidth.Auto)
    {
        var state = new MaskScanState(values, initialResult: 0);
        VectorDriver.Run<MaskScan<GreaterThan, Sink>, MaskScanState>(ref state, values.Length, threshold, width);
        return state.Result;
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static int CountScalar(ReadOnlySpan<float> values, float threshold)
    {
        int count = 0;
        foreach (float v in values)
        {
            if (v > threshold)
            {
                count++;
            }
        }

        return count;
    }

    private readonly struct Sink : IMaskSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Take(ref MaskScanState state, int baseIndex, ulong mask, int lanes)
        {
            state.Result += BitOperations.PopCount(mask);
            return true;
        }
    }
}
