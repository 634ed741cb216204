using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MaaS.Recommendations.Kernels;

/// <summary><c>destination[k] = table[indices[k]]</c>; TensorPrimitives has no gather.</summary>
internal static class Gather
{
    /// <summary>Gathers; every index must lie in [0, table.Length) and is validated in one vectorised pass.</summary>
    public static void Run(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination)
    {
        if (destination.Length < indices.Length)
        {
            throw new ArgumentException("Destination is shorter than indices.", nameof(destination));
        }

        if (indices.Length == 0)
        {
            return;
        }

        // Out-of-range indices would read foreign memory in the hardware gather, so they are refused up front.
        if (TensorPrimitives.Min(indices) < 0 || TensorPrimitives.Max(indices) >= table.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(indices), "An index lies outside the table.");
        }

        RunUnchecked(table, indices, destination);
    }

    /// <summary>Gathers without validating indices; callers own the invariant (indices come from the index itself).</summary>
    internal static unsafe void RunUnchecked(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination)
    {
        int length = indices.Length;
        int i = 0;
        fixed (float* t = table)
        fixed (int* ix = indices)
        fixed (float* d = destination)
        {
            if (Avx2.IsSupported)
            {
                for (; i <= length - Vector256<int>.Count; i += Vector256<int>.Count)
                {
                    Avx2.GatherVector256(t, Avx.LoadVector256(ix + i), 4).Store(d + i);
                }
            }

            for (; i < length; i++)
            {
                d[i] = t[ix[i]];
            }
        }
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static void RunScalar(ReadOnlySpan<float> table, ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            destination[k] = table[indices[k]];
        }
    }
}
