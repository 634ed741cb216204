using MaaS.Recommendations.Kernels;

namespace MaaS.Recommendations.Tests.Kernels;

/// <summary>Every SIMD kernel against its scalar reference at every length 0..256, seeded inputs, with a canary after the span.</summary>
public sealed class KernelTests
{
    private const float Canary = 12345.5f;

    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (int n = 0; n <= 256; n++)
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void IndexOfFirstGreater_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(length);
        var values = RandomFloats(random, length);
        foreach (float threshold in new[] { 0.5f, 0.99f, 2f, float.NegativeInfinity })
        {
            Assert.Equal(IndexOfFirstGreater.FindScalar(values, threshold), IndexOfFirstGreater.Find(values, threshold));
        }

        if (length > 0)
        {
            // The only match in the last lane exercises the tail.
            Array.Fill(values, 0f);
            values[^1] = 1f;
            Assert.Equal(length - 1, IndexOfFirstGreater.Find(values, 0.5f));
            values[^1] = float.NaN;
            Assert.Equal(-1, IndexOfFirstGreater.Find(values, 0.5f));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CountGreater_EveryLength_MatchesScalar(int length)
    {
        var values = RandomFloats(new Random(6000 + length), length);
        if (length > 1)
        {
            values[^1] = float.NaN;
        }

        foreach (float threshold in new[] { 0f, 0.25f, 0.5f, 0.999f, float.NegativeInfinity })
        {
            Assert.Equal(CountGreater.CountScalar(values, threshold), CountGreater.Count(values, threshold));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CompactAtLeast_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(7000 + length);
        // Quarter steps make exact ties with the threshold common.
        var values = Enumerable.Range(0, length).Select(_ => random.Next(0, 8) / 4f).ToArray();
        foreach (float threshold in new[] { 0f, 0.75f, 1.5f, 9f })
        {
            var ep = new int[length];
            var ev = new float[length];
            int expected = CompactAtLeast.RunScalar(values, threshold, ep, ev);
            var ap = new int[length + 1];
            var av = new float[length + 1];
            av[length] = Canary;
            int actual = CompactAtLeast.Run(values, threshold, ap, av);
            Assert.Equal(expected, actual);
            Assert.Equal(ep.AsSpan(0, expected).ToArray(), ap.AsSpan(0, actual).ToArray());
            Assert.Equal(ev.AsSpan(0, expected).ToArray(), av.AsSpan(0, actual).ToArray());
            Assert.Equal(Canary, av[length]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CompactNonZero_EveryLength_MatchesScalarAndZeroes(int length)
    {
        var random = new Random(1000 + length);
        var acc = new float[length];
        for (int i = 0; i < length; i++)
        {
            acc[i] = random.NextDouble() < 0.3 ? (float)random.NextDouble() - 0.5f : 0f;
        }

        if (length > 2)
        {
            acc[^1] = -0f;
            acc[1] = float.NegativeInfinity;
        }

        var expectedAcc = (float[])acc.Clone();
        var ei = new int[length];
        var ev = new float[length];
        int expected = CompactNonZero.DrainScalar(expectedAcc, ei, ev);
        var ai = new int[length + 1];
        var av = new float[length + 1];
        ai[length] = -7;
        av[length] = Canary;
        int actual = CompactNonZero.Drain(acc, ai, av);
        Assert.Equal(expected, actual);
        Assert.Equal(ei.AsSpan(0, expected).ToArray(), ai.AsSpan(0, actual).ToArray());
        Assert.Equal(ev.AsSpan(0, expected).ToArray(), av.AsSpan(0, actual).ToArray());
        Assert.All(acc, x => Assert.Equal(0f, x));
        Assert.Equal(-7, ai[length]);
        Assert.Equal(Canary, av[length]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Gather_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(2000 + length);
        var table = RandomFloats(random, 300);
        var indices = Enumerable.Range(0, length).Select(_ => random.Next(table.Length)).ToArray();
        var expected = new float[length];
        Gather.RunScalar(table, indices, expected);
        var actual = new float[length + 1];
        actual[length] = Canary;
        Gather.Run(table, indices, actual);
        Assert.Equal(expected, actual.AsSpan(0, length).ToArray());
        Assert.Equal(Canary, actual[length]);
    }

    [Fact]
    public void Gather_IndexOutsideTable_Throws()
    {
        var table = new float[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => Gather.Run(table, [0, 8], new float[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gather.Run(table, [-1], new float[1]));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScatterAdd_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(3000 + length);
        // Unique indices, as in a CSR row or neighbour list.
        var indices = Enumerable.Range(0, 400).OrderBy(_ => random.Next()).Take(length).ToArray();
        var weights = RandomFloats(random, length);
        var expected = RandomFloats(new Random(7), 401);
        var actual = (float[])expected.Clone();
        actual[400] = expected[400] = Canary;
        ScatterAdd.RunScalar(expected.AsSpan(0, 400), indices, weights, 0.37f);
        ScatterAdd.Run(actual.AsSpan(0, 400), indices, weights, 0.37f);
        Assert.Equal(expected, actual);

        var gathered = RandomFloats(new Random(7), 401);
        gathered[400] = Canary;
        ScatterAdd.RunGatherUnchecked(gathered.AsSpan(0, 400), indices, weights, 0.37f);
        Assert.Equal(expected, gathered);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void QuantizeInt8_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(4000 + length);
        var source = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        if (length > 3)
        {
            source[0] = 0.5f / (127f / 2f); // exactly half a step: round half to even
            source[1] = 100f;               // saturates
            source[2] = -100f;
        }

        var expected = new sbyte[length];
        QuantizeInt8.RunScalar(source, 127f / 2f, expected);
        var actual = new sbyte[length + 1];
        actual[length] = 99;
        QuantizeInt8.Run(source, 127f / 2f, actual);
        Assert.Equal(expected, actual.AsSpan(0, length).ToArray());
        Assert.Equal(99, actual[length]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DequantizeInt8_EveryLength_MatchesScalar(int length)
    {
        var random = new Random(5000 + length);
        var source = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var expected = new float[length];
        DequantizeInt8.RunScalar(source, 0.0123f, expected);
        var actual = new float[length + 1];
        actual[length] = Canary;
        DequantizeInt8.Run(source, 0.0123f, actual);
        Assert.Equal(expected, actual.AsSpan(0, length).ToArray());
        Assert.Equal(Canary, actual[length]);
    }

    private static float[] RandomFloats(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
}
