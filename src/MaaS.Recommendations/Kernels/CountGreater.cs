using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary>Counts elements strictly greater than a threshold (compare mask + popcount); TensorPrimitives has no count.</summary>
internal static class CountGreater
{
    public static int Count(ReadOnlySpan<float> values, float threshold)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int length = values.Length;
        int count = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            var t = Vector512.Create(threshold);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                count += BitOperations.PopCount(Vector512.GreaterThan(Vector512.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits());
            }
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var t = Vector256.Create(threshold);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                count += BitOperations.PopCount(Vector256.GreaterThan(Vector256.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits());
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            var t = Vector128.Create(threshold);
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                count += BitOperations.PopCount(Vector128.GreaterThan(Vector128.LoadUnsafe(ref start, (nuint)i), t).ExtractMostSignificantBits());
            }
        }

        for (; i < length; i++)
        {
            if (Unsafe.Add(ref start, i) > threshold)
            {
                count++;
            }
        }

        return count;
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
}
