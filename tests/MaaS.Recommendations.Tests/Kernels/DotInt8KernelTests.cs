using static MaaS.Recommendations.Tests.Kernels.KernelCases;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>The int8 × int8 dot kernel at every path it has, against the scalar reference.</summary>
public sealed class DotInt8KernelTests
{
    public static TheoryData<string> DotWidths => Widths(DotInt8.Paths);

    [Theory]
    [MemberData(nameof(DotWidths))]
    public void DotInt8_EveryLength_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            var random = new Random(6000 + length);
            var x = Bytes(random, length);
            var y = Bytes(random, length);

            Same(DotInt8.RunScalar(x, y), DotInt8.Run(x, y, width), $"{width}, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(DotWidths))]
    public void DotInt8_AllExtremes_DoesNotOverflowLanes(string path)
    {
        var width = Accelerated(path);
        // -128 · -128 = 16,384 in every lane: two such products would overflow a short, many an int16 sum.
        foreach (int length in new[] { 64, 4096, (8 * 512) + 3 })
        {
            var x = Enumerable.Repeat(sbyte.MinValue, length).ToArray();
            var y = Enumerable.Repeat(sbyte.MinValue, length).ToArray();
            var z = Enumerable.Repeat(sbyte.MaxValue, length).ToArray();

            Same(length * 16_384, DotInt8.Run(x, y, width), $"{width}, length {length}, -128 · -128");
            Same(length * -16_256, DotInt8.Run(x, z, width), $"{width}, length {length}, -128 · 127");
        }
    }

    [Fact]
    public void DotInt8_DifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => DotInt8.Run(new sbyte[5], new sbyte[4]));
        Assert.Throws<ArgumentException>(() => DotInt8.RunScalar(new sbyte[5], new sbyte[4]));
    }

    private static sbyte[] Bytes(Random random, int length)
    {
        var values = new sbyte[length];
        for (int i = 0; i < length; i++)
        {
            int pick = random.Next(8);
            values[i] = pick == 0 ? sbyte.MinValue : pick == 1 ? sbyte.MaxValue : pick == 2 ? (sbyte)0 : (sbyte)random.Next(-128, 128);
        }

        return values;
    }
}
