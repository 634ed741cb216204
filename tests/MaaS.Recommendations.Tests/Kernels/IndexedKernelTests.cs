using static MaaS.Recommendations.Tests.Kernels.KernelCases;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>Gather and scatter-add at every path they have, against their scalar references.</summary>
public sealed class IndexedKernelTests
{
    private const int TableLength = 300;

    public static TheoryData<string> GatherWidths => Widths(Gather.Paths);

    public static TheoryData<string> ScatterAddGatherWidths => Widths(ScatterAdd.GatherPaths);

    [Theory]
    [MemberData(nameof(GatherWidths))]
    public void Gather_EveryLength_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        var table = Floats(new Random(6000), TableLength, special: 0.3);
        foreach (int length in Lengths)
        {
            var random = new Random(6000 + length);
            var indices = Enumerable.Range(0, length).Select(_ => random.Next(TableLength)).ToArray();
            var expected = new float[length];
            Gather.RunScalar(table, indices, expected);
            var actual = WithCanary(length, Canary);

            // Auto goes through the validating public entry.
            if (width == VectorWidth.Auto)
            {
                Gather.Run(table, indices, actual.AsSpan(0, length));
            }
            else
            {
                Gather.RunUnchecked(table, indices, actual.AsSpan(0, length), width);
            }

            SameBits<float>(expected, actual.AsSpan(0, length), $"{width}, length {length}");
            Assert.Equal(Canary, actual[length]);
        }
    }

    [Fact]
    public void Gather_IndexOutsideTable_Throws()
    {
        var table = new float[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gather.Run(table, [0, 8], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gather.Run(table, [-1], new float[1]));
    }

    [Theory]
    [MemberData(nameof(ScatterAddGatherWidths))]
    public void ScatterAddGather_EveryLength_MatchesScalar(string path)
    {
        var width = Accelerated(path);
        foreach (int length in Lengths)
        {
            foreach (float scale in new[] { 0.37f, -0f, float.NegativeInfinity })
            {
                var (indices, weights, expected, actual) = ScatterCase(length, scale);
                ScatterAdd.RunGatherUnchecked(actual.AsSpan(0, expected.Length - 1), indices, weights, scale, width);
                SameValues(expected, actual, $"{width}, length {length}, scale {scale}");
            }
        }
    }

    [Fact]
    public void ScatterAdd_EveryLength_MatchesScalar()
    {
        foreach (int length in Lengths)
        {
            var (indices, weights, expected, unrolled) = ScatterCase(length, 0.37f);
            var validated = (float[])unrolled.Clone();
            ScatterAdd.RunUnchecked(unrolled.AsSpan(0, expected.Length - 1), indices, weights, 0.37f);
            ScatterAdd.Run(validated.AsSpan(0, expected.Length - 1), indices, weights, 0.37f);
            SameValues(expected, unrolled, $"unrolled, length {length}");
            SameValues(expected, validated, $"validated, length {length}");
        }
    }

    [Fact]
    public void ScatterAdd_IndexOutsideAccumulator_Throws()
    {
        var accumulator = new float[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => ScatterAdd.Run(accumulator, [0, 8], [1f, 1f], 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScatterAdd.Run(accumulator, [-1], [1f], 1f));
    }

    /// <summary>Unique indices into an accumulator twice as long (as in a CSR row or neighbour list), the scalar
    /// result with the canary after the span, and an untouched copy for the kernel.</summary>
    private static (int[] Indices, float[] Weights, float[] Expected, float[] Actual) ScatterCase(int length, float scale)
    {
        var random = new Random(7000 + length);
        int span = 2 * length;
        var indices = Enumerable.Range(0, span).OrderBy(_ => random.Next()).Take(length).ToArray();
        var weights = Floats(random, length, special: 0.05);
        var expected = Floats(random, span + 1, special: 0.05);
        expected[span] = Canary;
        var actual = (float[])expected.Clone();
        ScatterAdd.RunScalar(expected.AsSpan(0, span), indices, weights, scale);
        return (indices, weights, expected, actual);
    }
}
