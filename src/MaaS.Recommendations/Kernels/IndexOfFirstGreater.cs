using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary>Finds the first element strictly greater than a threshold; lets top-k selection skip whole vectors.</summary>
internal static class IndexOfFirstGreater
{
    /// <summary>Index of the first <c>values[i] &gt; threshold</c>, or -1. NaN never compares greater.</summary>
    public static int Find(ReadOnlySpan<float> values, float threshold)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int length = values.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            var t = Vector512.Create(threshold);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                uint mask = (uint)Vector512.GreaterThan(Vector512.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + System.Numerics.BitOperations.TrailingZeroCount(mask);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var t = Vector256.Create(threshold);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                uint mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + System.Numerics.BitOperations.TrailingZeroCount(mask);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            var t = Vector128.Create(threshold);
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                uint mask = Vector128.GreaterThan(Vector128.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits();
                if (mask != 0)
                {
                    return i + System.Numerics.BitOperations.TrailingZeroCount(mask);
                }
            }
        }

        for (; i < length; i++)
        {
            if (Unsafe.Add(ref start, i) > threshold)
            {
                return i;
            }
        }

        return -1;
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
}
