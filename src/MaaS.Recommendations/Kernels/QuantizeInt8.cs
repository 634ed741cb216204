using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary>
/// <c>destination[k] = clamp(round(source[k] * inverseScale), -127, 127)</c>, round half to even. TensorPrimitives
/// converts float to int32 but has no saturating narrow to sbyte, so the narrowing chain is written here.
/// </summary>
internal static class QuantizeInt8
{
    public static void Run(ReadOnlySpan<float> source, float inverseScale, Span<sbyte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        ref float src = ref MemoryMarshal.GetReference(source);
        ref sbyte dst = ref MemoryMarshal.GetReference(destination);
        int length = source.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(inverseScale);
            var lo = Vector256.Create(-127f);
            var hi = Vector256.Create(127f);
            for (; i <= length - 32; i += 32)
            {
                var a = Convert(Vector256.LoadUnsafe(ref src, (nuint)i), s, lo, hi);
                var b = Convert(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), s, lo, hi);
                var c = Convert(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), s, lo, hi);
                var d = Convert(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), s, lo, hi);
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d)).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(inverseScale);
            var lo = Vector128.Create(-127f);
            var hi = Vector128.Create(127f);
            for (; i <= length - 16; i += 16)
            {
                var a = Convert(Vector128.LoadUnsafe(ref src, (nuint)i), s, lo, hi);
                var b = Convert(Vector128.LoadUnsafe(ref src, (nuint)(i + 4)), s, lo, hi);
                var c = Convert(Vector128.LoadUnsafe(ref src, (nuint)(i + 8)), s, lo, hi);
                var d = Convert(Vector128.LoadUnsafe(ref src, (nuint)(i + 12)), s, lo, hi);
                Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = ScalarOne(Unsafe.Add(ref src, i), inverseScale);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Convert(Vector256<float> x, Vector256<float> s, Vector256<float> lo, Vector256<float> hi) =>
        Vector256.ConvertToInt32(Vector256.Round(Vector256.Min(Vector256.Max(x * s, lo), hi)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Convert(Vector128<float> x, Vector128<float> s, Vector128<float> lo, Vector128<float> hi) =>
        Vector128.ConvertToInt32(Vector128.Round(Vector128.Min(Vector128.Max(x * s, lo), hi)));

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
}
