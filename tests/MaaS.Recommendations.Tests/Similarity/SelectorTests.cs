namespace MaaS.Recommendations.Tests.Similarity;

/// <summary>Both top-k selectors against a full sort (value desc, position asc), with ties and values under the floor.</summary>
public sealed class SelectorTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { 0, 1, 7, 64, 150, 1000 })
        {
            foreach (int k in new[] { 1, 10, 150, 2000 })
            {
                data.Add(n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThresholdSelector_RandomWithTies_MatchesSortReference(int n, int k)
    {
        var values = RandomValues(n, seed: n + k);
        var expected = Reference(values, k).Order().ToArray();
        var positions = new int[n];
        var kept = new float[n];

        int count = ThresholdSelector.Select(values, k, 0f, positions, kept, new float[n]);

        Assert.Equal(expected, positions.AsSpan(0, count).ToArray());
        Assert.Equal(expected.Select(p => values[p]), kept.AsSpan(0, count).ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TopKSelector_RandomWithTies_MatchesSortReferenceInRankOrder(int n, int k)
    {
        var values = RandomValues(n, seed: (n * 31) + k);
        var expected = Reference(values, k);
        var positions = new int[Math.Max(k, 1)];
        var best = new float[Math.Max(k, 1)];

        int count = TopKSelector.Select(values, k, 0f, default(AcceptAll), positions, best);

        Assert.Equal(expected, positions.AsSpan(0, count).ToArray());
    }

    private static int[] Reference(float[] values, int k) =>
        [.. Enumerable.Range(0, values.Length).Where(p => values[p] > 0f).OrderByDescending(p => values[p]).ThenBy(p => p).Take(k)];

    private static float[] RandomValues(int n, int seed)
    {
        var random = new Random(seed);
        // Few distinct values force ties; some fall at or below the floor.
        return Enumerable.Range(0, n).Select(_ => random.Next(-3, 20) / 4f).ToArray();
    }
}
