using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary>
/// Writes (position, value) of every element &gt;= threshold, in position order, and returns how many; a vector with
/// no such element costs one compare. Outputs must be at least as long as the input.
/// </summary>
internal static class CompactAtLeast
{
    public static int Run(ReadOnlySpan<float> values, float threshold, Span<int> positions, Span<float> kept)
    {
        if (positions.Length < values.Length || kept.Length < values.Length)
        {
            throw new ArgumentException("The output spans must be at least as long as the values.");
        }

        ref float src = ref MemoryMarshal.GetReference(values);
        ref int pos = ref MemoryMarshal.GetReference(positions);
        ref float val = ref MemoryMarshal.GetReference(kept);
        int length = values.Length;
        int count = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            var t = Vector512.Create(threshold);
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                ulong mask = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref src, (nuint)i), t).ExtractMostSignificantBits();
                count = Emit(ref src, ref pos, ref val, i, mask, count);
            }
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            var t = Vector256.Create(threshold);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                uint mask = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref src, (nuint)i), t).ExtractMostSignificantBits();
                count = Emit(ref src, ref pos, ref val, i, mask, count);
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            var t = Vector128.Create(threshold);
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                uint mask = Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref src, (nuint)i), t).ExtractMostSignificantBits();
                count = Emit(ref src, ref pos, ref val, i, mask, count);
            }
        }

        for (; i < length; i++)
        {
            float x = Unsafe.Add(ref src, i);
            if (x >= threshold)
            {
                Unsafe.Add(ref pos, count) = i;
                Unsafe.Add(ref val, count) = x;
                count++;
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Emit(ref float src, ref int pos, ref float val, int baseIndex, ulong mask, int count)
    {
        while (mask != 0)
        {
            int lane = BitOperations.TrailingZeroCount(mask);
            Unsafe.Add(ref pos, count) = baseIndex + lane;
            Unsafe.Add(ref val, count) = Unsafe.Add(ref src, baseIndex + lane);
            count++;
            mask &= mask - 1;
        }

        return count;
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
}
