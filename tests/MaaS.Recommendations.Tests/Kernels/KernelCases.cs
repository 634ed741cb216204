using System.Runtime.InteropServices;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>Inputs and checks shared by the kernel tests: every length 0..256 plus uneven large ones, seeded values
/// salted with special values, and bitwise comparison with the first difference in the message.</summary>
internal static class KernelCases
{
    public const float Canary = 12345.5f;

    /// <summary>Every length up to 256 (all tails at every width) and two uneven sizes past several 512-bit steps.</summary>
    public static readonly int[] Lengths = [.. Enumerable.Range(0, 257), (6 * 512) + 7, (8 * 512) + 3];

    public static readonly float[] Specials =
    [
        float.NaN, BitConverter.Int32BitsToSingle(0x7FC12345), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)),
        float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.Epsilon, -float.Epsilon,
        float.MaxValue, float.MinValue, 1f, 0.5f, -1.25f,
    ];

    /// <summary>Thresholds that tie with the quarter-step inputs, sit on either zero, or are special themselves.</summary>
    public static readonly float[] Thresholds =
        [0f, -0f, 0.5f, 1f, -1.25f, float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    /// <summary>The public entry (<see cref="VectorWidth.Auto"/>) and every path the kernel has, by name (the width
    /// type is internal, theory parameters of public tests cannot be).</summary>
    public static TheoryData<string> Widths(VectorWidth[] paths) => new([nameof(VectorWidth.Auto), .. paths.Select(p => p.ToString())]);

    /// <summary>The named width; reported as skipped when this machine does not accelerate it.</summary>
    public static VectorWidth Accelerated(string path)
    {
        var width = Enum.Parse<VectorWidth>(path);
        if (width != VectorWidth.Auto && !VectorDriver.IsAccelerated(width))
        {
            Assert.Skip($"{width} is not hardware-accelerated on this machine (Vector{path[4..]}.IsHardwareAccelerated is false).");
        }

        return width;
    }

    /// <summary>Uniform values in [-2, 2), a quarter of them on quarter steps (ties), <paramref name="special"/> of them special.</summary>
    public static float[] Floats(Random random, int length, double special = 0.15)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            double u = random.NextDouble();
            values[i] = u < special ? Specials[random.Next(Specials.Length)]
                : u < special + 0.25 ? random.Next(-8, 9) / 4f
                : (float)((random.NextDouble() * 4) - 2);
        }

        return values;
    }

    /// <summary>An array one longer than <paramref name="length"/>, filled with <paramref name="fill"/>: the kernel gets
    /// the first <paramref name="length"/> elements, the last one is the canary after the span.</summary>
    public static T[] WithCanary<T>(int length, T fill)
    {
        var array = new T[length + 1];
        Array.Fill(array, fill);
        return array;
    }

    public static void Same(int expected, int actual, string context)
    {
        if (expected != actual)
        {
            Assert.Fail($"{context}: expected {expected}, got {actual}.");
        }
    }

    /// <summary>Bit-for-bit equality (so -0 differs from +0 and NaN payloads count).</summary>
    public static void SameBits<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string context)
        where T : unmanaged
    {
        Same(expected.Length, actual.Length, context + ", length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (!MemoryMarshal.AsBytes(expected.Slice(i, 1)).SequenceEqual(MemoryMarshal.AsBytes(actual.Slice(i, 1))))
            {
                Assert.Fail($"{context}: element {i} expected {Show(expected[i])}, got {Show(actual[i])}.");
            }
        }
    }

    /// <summary>Bit-for-bit equality except that any NaN matches any NaN: which NaN operand an FMA propagates depends
    /// on the operand order the JIT chose for the scalar reference.</summary>
    public static void SameValues(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string context)
    {
        Same(expected.Length, actual.Length, context + ", length");
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]);
            if (!same)
            {
                Assert.Fail($"{context}: element {i} expected {Show(expected[i])}, got {Show(actual[i])}.");
            }
        }
    }

    private static string Show<T>(T value) where T : unmanaged =>
        value is float f ? $"{f:R} (0x{BitConverter.SingleToInt32Bits(f):X8})" : value.ToString()!;
}
