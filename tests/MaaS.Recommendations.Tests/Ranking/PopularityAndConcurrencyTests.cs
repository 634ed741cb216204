using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Ranking;
using MaaS.Recommendations.Similarity;

namespace MaaS.Recommendations.Tests.Ranking;

public sealed class PopularityAndConcurrencyTests
{
    [Fact]
    public void Recommend_ColdUserWithHalfLife_PrefersRecentlyPopularItems()
    {
        const long Day = 86_400;
        var events = new List<InteractionEvent>();
        for (int u = 0; u < 30; u++)
        {
            events.Add(new InteractionEvent($"old{u}", "classic", 1f, 0));
        }

        for (int u = 0; u < 10; u++)
        {
            events.Add(new InteractionEvent($"new{u}", "trending", 1f, 365 * Day));
        }

        var similarity = new SimilarityOptions(SimilarityMeasure.Cosine);
        var plain = ItemIndex.Build(events, new IndexBuildOptions(new WeightingOptions(), similarity));
        var decayed = ItemIndex.Build(events, new IndexBuildOptions(new WeightingOptions(), similarity, PopularityHalfLifeSeconds: 30 * Day));

        Assert.Equal("classic", plain.Recommend(new RecommendationRequest([], Count: 1)).Items[0].ItemId);
        Assert.Equal("trending", decayed.Recommend(new RecommendationRequest([], Count: 1)).Items[0].ItemId);
    }

    [Fact]
    public void Recommend_ConcurrentCalls_MatchSequentialResults()
    {
        var index = TinyCatalogue.Build();
        var histories = Enumerable.Range(0, 64).Select(i => new[] { $"m{i % 6}", $"s{(i / 6) % 6}" }).ToArray();
        var expected = histories.Select(h => string.Join(",", index.Recommend(new RecommendationRequest(h, Count: 5)).Items.Select(r => r.ItemId))).ToArray();

        var actual = new string[histories.Length];
        Parallel.For(0, histories.Length * 20, new ParallelOptions { MaxDegreeOfParallelism = 4 }, n =>
        {
            int i = n % histories.Length;
            actual[i] = string.Join(",", index.Recommend(new RecommendationRequest(histories[i], Count: 5)).Items.Select(r => r.ItemId));
            Assert.Equal(expected[i], actual[i]);
        });
    }

    [Fact]
    public void Recommend_EmptyHistory_ReturnsPopularityOnlyWithoutError()
    {
        var result = TinyCatalogue.Build().Recommend(new RecommendationRequest([], Count: 2, Filter: new ItemFilter(Kind: ItemKind.Game)));

        Assert.Equal(RecommendationError.None, result.Error);
        Assert.Equal(["never-played"], result.Items.Select(i => i.ItemId));
    }

    [Fact]
    public void Build_NoEvents_GivesEmptyIndexThatAnswersEmpty()
    {
        var index = ItemIndex.Build([]);

        Assert.Equal(0, index.ItemCount);
        var result = index.Recommend(new RecommendationRequest(["x"], Count: 3));
        Assert.Equal(RecommendationError.None, result.Error);
        Assert.Empty(result.Items);
        Assert.Equal(1, result.UnknownHistoryItems);
    }
}
