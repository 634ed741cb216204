using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MaaS.Recommendations.Kernels;

/// <summary><c>destination[k] = source[k] * scale</c> from sbyte; the widening chain TensorPrimitives lacks.</summary>
internal static class DequantizeInt8
{
    public static void Run(ReadOnlySpan<sbyte> source, float scale, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        ref sbyte src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        int length = source.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            for (; i <= length - 16; i += 16)
            {
                // 16 bytes widen to 16 ints in one 512-bit register.
                var bytes = Vector128.LoadUnsafe(ref src, (nuint)i);
                var ints = Vector512.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe()).ToVector512Unsafe());
                (Vector512.ConvertToSingle(ints) * s).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            for (; i <= length - 8; i += 8)
            {
                var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref src, i)))).AsSByte();
                var ints = Vector256.WidenLower(Vector128.WidenLower(bytes).ToVector256Unsafe());
                (Vector256.ConvertToSingle(ints) * s).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            for (; i <= length - 4; i += 4)
            {
                var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref src, i)))).AsSByte();
                var ints = Vector128.WidenLower(Vector128.WidenLower(bytes));
                (Vector128.ConvertToSingle(ints) * s).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i) * scale;
        }
    }

    /// <summary>Scalar reference used by tests and the SIMD-vs-scalar benchmark.</summary>
    public static void RunScalar(ReadOnlySpan<sbyte> source, float scale, Span<float> destination)
    {
        for (int k = 0; k < source.Length; k++)
        {
            destination[k] = source[k] * scale;
        }
    }
}
