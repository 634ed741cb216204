namespace MaaS.Recommendations.Kernels;

/// <summary>
/// Writes (position, value) of every element &gt;= threshold, in position order, and returns how many; a vector with
/// no such element costs one compare. Outputs must be at least as long as the input.
/// </summary>
internal static class CompactAtLeast
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<MaskScan<AtLeast, Sink>, MaskScanState>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Run(ReadOnlySpan<float> values, float threshold, Span<int> positions, Span<float> kept, VectorWidth width = VectorWidth.Auto)
    {
        if (positions.Length < values.Length || kept.Length < values.Length)
        {
            throw new ArgumentException("The output spans must be at least as long as the values.");
        }

        var state = new MaskScanState(values, positions, kept);
        VectorDriver.Run<MaskScan<AtLeast, Sink>, MaskScanState>(ref state, values.Length, threshold, width);
        return state.Result;
    }

    /// <summary>Scalar reference used by tests.</summary>
    public static int RunScalar(ReadOnlySpan<float> values, float threshold, Span<int> positions, Span<float> kept)
    {
        int count = 0;
        for (int p = 0; p < values.Length; p++)
        {
            if (values[p] >= threshold)
            {
                positions[count] = p;
                kept[count++] = values[p];
            }
        }

        return count;
    }

    private readonly struct AtLeast : ILanePredicate
    {
        public static bool Invoke(float x, float arg) => x >= arg;

        public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> arg) => Vector128.GreaterThanOrEqual(x, arg);

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> arg) => Vector256.GreaterThanOrEqual(x, arg);

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> arg) => Vector512.GreaterThanOrEqual(x, arg);
    }

    private readonly struct Sink : IMaskSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Take(ref MaskScanState state, int baseIndex, ulong mask, int lanes)
        {
            state.Emit(baseIndex, mask);
            return true;
        }
    }
}
