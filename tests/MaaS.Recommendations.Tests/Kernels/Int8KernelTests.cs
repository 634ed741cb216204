using static MaaS.Recommendations.Tests.Kernels.KernelCases;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>The int8 quantisation kernels at every path they have, against scalar references.</summary>
public sealed class Int8KernelTests
{
    public static TheoryData<string> QuantizeWidths => Widths(QuantizeInt8.Paths);

    public static TheoryData<string> DequantizeWidths => Widths(DequantizeInt8.Paths);

    [Theory]
    [MemberData(nameof(QuantizeWidths))]
    public void QuantizeInt8_EveryLengthAndScale_MatchesReference(string path)
    {
        var width = Accelerated(path);
        // 0 is what an all-zero row gets; 1e30 overflows finite inputs to infinity.
        foreach (float inverseScale in new[] { 127f / 2f, 1f, 0f, -3f, 1e30f })
        {
            foreach (int length in Lengths)
            {
                string context = $"{width}, length {length}, inverse scale {inverseScale}";
                var random = new Random(4000 + length);
                var source = Floats(random, length);
                for (int i = 0; i < length; i += 3)
                {
                    // Exact half steps (round half to even) and values just past the +-127 clamp.
                    source[i] = random.Next(2) == 0 ? (random.Next(-130, 130) + 0.5f) / inverseScale : random.Next(-300, 300);
                }

                var expected = new sbyte[length];
                for (int i = 0; i < length; i++)
                {
                    expected[i] = Reference(source[i], inverseScale);
                }

                var actual = WithCanary<sbyte>(length, 99);
                QuantizeInt8.Run(source, inverseScale, actual.AsSpan(0, length), width);

                SameBits<sbyte>(expected, actual.AsSpan(0, length), context);
                Assert.Equal(99, actual[length]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(DequantizeWidths))]
    public void DequantizeInt8_EveryLengthAndScale_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        // -0, infinity (0 * inf is NaN), NaN and a subnormal scale besides ordinary ones.
        foreach (float scale in new[] { 0.0123f, -1f / 127f, -0f, float.PositiveInfinity, float.NaN, float.Epsilon })
        {
            foreach (int length in Lengths)
            {
                var random = new Random(5000 + length);
                var source = new sbyte[length];
                for (int i = 0; i < length; i++)
                {
                    int pick = random.Next(8);
                    source[i] = pick == 0 ? sbyte.MinValue : pick == 1 ? sbyte.MaxValue : pick == 2 ? (sbyte)0 : (sbyte)random.Next(-128, 128);
                }

                var expected = new float[length];
                DequantizeInt8.RunScalar(source, scale, expected);
                var actual = WithCanary(length, Canary);
                DequantizeInt8.Run(source, scale, actual.AsSpan(0, length), width);

                SameBits<float>(expected, actual.AsSpan(0, length), $"{width}, length {length}, scale {scale}");
                Assert.Equal(Canary, actual[length]);
            }
        }
    }

    [Fact]
    public void QuantizeInt8_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => QuantizeInt8.Run(new float[5], 1f, new sbyte[4]));
        Assert.Throws<ArgumentException>(() => DequantizeInt8.Run(new sbyte[5], 1f, new float[4]));
    }

    /// <summary>Written apart from the kernel: scale, clamp to +-127 (NaN passes through), round half to even, and
    /// NaN converts to 0.</summary>
    private static sbyte Reference(float x, float inverseScale)
    {
        float y = x * inverseScale;
        y = y < -127f ? -127f : y > 127f ? 127f : y;
        return float.IsNaN(y) ? (sbyte)0 : (sbyte)MathF.Round(y, MidpointRounding.ToEven);
    }
}
