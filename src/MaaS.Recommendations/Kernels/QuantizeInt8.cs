namespace MaaS.Recommendations.Kernels;

/// <summary>
/// <c>destination[k] = clamp(round(source[k] * inverseScale), -127, 127)</c>, round half to even. TensorPrimitives
/// converts float to int32 but has no saturating narrow to sbyte, so the narrowing chain is written here.
/// </summary>
internal static class QuantizeInt8
{
    internal static VectorWidth[] Paths { get; } = VectorDriver.Paths<Operator, MapState<float, sbyte>>();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(ReadOnlySpan<float> source, float inverseScale, Span<sbyte> destination, VectorWidth width = VectorWidth.Auto)
    {
        var state = new MapState<float, sbyte>(source, destination);
        VectorDriver.Run<Operator, MapState<float, sbyte>>(ref state, source.Length, inverseScale, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static sbyte ScalarOne(float x, float inverseScale) =>
        (sbyte)(int)MathF.Round(Math.Clamp(x * inverseScale, -127f, 127f), MidpointRounding.ToEven);

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static void RunScalar(ReadOnlySpan<float> source, float inverseScale, Span<sbyte> destination)
    {
        for (int k = 0; k < source.Length; k++)
        {
            destination[k] = ScalarOne(source[k], inverseScale);
        }
    }

    /// <summary>
    /// Each step narrows four float vectors into one sbyte vector. No 512-bit path: this runs once per index build,
    /// and a 512-bit narrowing chain was never measured against the 256-bit one.
    /// </summary>
    private readonly struct Operator : IVectorOperator<MapState<float, sbyte>>
    {
        public static int StepAt128 => Vector128<sbyte>.Count;

        public static VectorWidth Widest => VectorWidth.Bits256;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<float, sbyte> state, int i, float inverseScale)
        {
            Unsafe.Add(ref state.Destination, i) = ScalarOne(Unsafe.Add(ref state.Source, i), inverseScale);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<float, sbyte> state, int i, Vector128<float> scale)
        {
            const int n = 4;
            var a = Convert(Vector128.LoadUnsafe(ref state.Source, (nuint)i), scale);
            var b = Convert(Vector128.LoadUnsafe(ref state.Source, (nuint)(i + n)), scale);
            var c = Convert(Vector128.LoadUnsafe(ref state.Source, (nuint)(i + (2 * n))), scale);
            var d = Convert(Vector128.LoadUnsafe(ref state.Source, (nuint)(i + (3 * n))), scale);
            Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).StoreUnsafe(ref state.Destination, (nuint)i);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Invoke(ref MapState<float, sbyte> state, int i, Vector256<float> scale)
        {
            const int n = 8;
            var a = Convert(Vector256.LoadUnsafe(ref state.Source, (nuint)i), scale);
            var b = Convert(Vector256.LoadUnsafe(ref state.Source, (nuint)(i + n)), scale);
            var c = Convert(Vector256.LoadUnsafe(ref state.Source, (nuint)(i + (2 * n))), scale);
            var d = Convert(Vector256.LoadUnsafe(ref state.Source, (nuint)(i + (3 * n))), scale);
            Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d)).StoreUnsafe(ref state.Destination, (nuint)i);
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<int> Convert(Vector128<float> x, Vector128<float> s) =>
            Vector128.ConvertToInt32(Vector128.Round(Vector128.Min(Vector128.Max(x * s, Vector128.Create(-127f)), Vector128.Create(127f))));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<int> Convert(Vector256<float> x, Vector256<float> s) =>
            Vector256.ConvertToInt32(Vector256.Round(Vector256.Min(Vector256.Max(x * s, Vector256.Create(-127f)), Vector256.Create(127f))));
    }
}
