using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary>
/// Drains a dense accumulator: writes (index, value) of every non-zero element in index order and zeroes the
/// accumulator, so the next item reuses it without a separate clear. A vector of zeros costs one compare.
/// </summary>
internal static class CompactNonZero
{
    /// <summary>Returns the number of pairs written. <paramref name="indices"/> and <paramref name="values"/> must
    /// hold at least the number of non-zero elements (the accumulator length is always enough).</summary>
    public static int Drain(Span<float> accumulator, Span<int> indices, Span<float> values)
    {
        if (indices.Length < accumulator.Length || values.Length < accumulator.Length)
        {
            ThrowShort();
        }

        ref float acc = ref MemoryMarshal.GetReference(accumulator);
        ref int idx = ref MemoryMarshal.GetReference(indices);
        ref float val = ref MemoryMarshal.GetReference(values);
        int length = accumulator.Length;
        int count = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
        {
            for (; i <= length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = Vector512.LoadUnsafe(ref acc, (nuint)i);
                ulong mask = ~Vector512.Equals(v, Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFFUL;
                if (mask != 0)
                {
                    count = Emit(ref acc, ref idx, ref val, i, (uint)mask, count);
                    Vector512<float>.Zero.StoreUnsafe(ref acc, (nuint)i);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref acc, (nuint)i);
                uint mask = ~Vector256.Equals(v, Vector256<float>.Zero).ExtractMostSignificantBits() & 0xFFu;
                if (mask != 0)
                {
                    count = Emit(ref acc, ref idx, ref val, i, mask, count);
                    Vector256<float>.Zero.StoreUnsafe(ref acc, (nuint)i);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
        {
            for (; i <= length - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var v = Vector128.LoadUnsafe(ref acc, (nuint)i);
                uint mask = ~Vector128.Equals(v, Vector128<float>.Zero).ExtractMostSignificantBits() & 0xFu;
                if (mask != 0)
                {
                    count = Emit(ref acc, ref idx, ref val, i, mask, count);
                    Vector128<float>.Zero.StoreUnsafe(ref acc, (nuint)i);
                }
            }
        }

        for (; i < length; i++)
        {
            float x = Unsafe.Add(ref acc, i);
            if (x != 0f)
            {
                Unsafe.Add(ref idx, count) = i;
                Unsafe.Add(ref val, count) = x;
                count++;
                Unsafe.Add(ref acc, i) = 0f;
            }
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Emit(ref float acc, ref int idx, ref float val, int baseIndex, uint mask, int count)
    {
        while (mask != 0)
        {
            int lane = BitOperations.TrailingZeroCount(mask);
            Unsafe.Add(ref idx, count) = baseIndex + lane;
            Unsafe.Add(ref val, count) = Unsafe.Add(ref acc, baseIndex + lane);
            count++;
            mask &= mask - 1;
        }

        return count;
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
}
