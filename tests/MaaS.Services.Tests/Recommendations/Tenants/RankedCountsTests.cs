namespace MaaS.Services.Tests.Recommendations.Tenants;

/// <summary>
/// Trending's rank order selected lazily: whatever is read, it is the full sort's order (seeded random counts with many
/// ties, checked against <see cref="Array.Sort{T}(T[], Comparison{T})"/>), and only a reader past the top sorts the rest.
/// </summary>
public sealed class RankedCountsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(RankedCounts.Top - 1)]
    [InlineData(RankedCounts.Top)]
    [InlineData(RankedCounts.Top + 1)]
    [InlineData(6 * 512 + 7)]
    public void Enumerate_AnySize_TheFullSortsOrder(int size)
    {
        var counts = RandomCounts(size, seed: size);
        var expected = (KeyValuePair<string, int>[])counts.Clone();
        Array.Sort(expected, TrendingSnapshot.RankOrder);

        var ranked = new RankedCounts(counts);

        Assert.Equal(expected, ranked.ToArray());
        Assert.Equal(size, ranked.Count);
    }

    [Fact]
    public void Enumerate_OnlyTheTopRead_TheRestIsNotSorted()
    {
        var counts = RandomCounts(5_000, seed: 7);
        var expected = (KeyValuePair<string, int>[])counts.Clone();
        Array.Sort(expected, TrendingSnapshot.RankOrder);
        var ranked = new RankedCounts(counts);

        var first = ranked.Take(100).ToArray();
        bool sortedAfterTop = ranked.SortedAll;
        var past = ranked.Take(RankedCounts.Top + 10).ToArray();

        Assert.Equal(expected[..100], first);
        Assert.False(sortedAfterTop, "reading the top 100 sorted every item");
        Assert.Equal(expected[..(RankedCounts.Top + 10)], past);
        Assert.True(ranked.SortedAll);
    }

    // Few distinct counts, so most comparisons are ties broken by the id.
    private static KeyValuePair<string, int>[] RandomCounts(int size, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, size).Select(i => new KeyValuePair<string, int>($"item-{random.Next():x8}-{i}", random.Next(1, 20)))];
    }
}
