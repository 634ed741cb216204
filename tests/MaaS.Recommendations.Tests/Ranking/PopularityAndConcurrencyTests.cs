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
        var plain = ItemIndex.Build(events, new IndexBuildOptions(new WeightingOptions(), similarity), cancellationToken: TestContext.Current.CancellationToken);
        var decayed = ItemIndex.Build(events, new IndexBuildOptions(new WeightingOptions(), similarity, PopularityHalfLifeSeconds: 30 * Day), cancellationToken: TestContext.Current.CancellationToken);

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
        var index = ItemIndex.Build([], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, index.ItemCount);
        var result = index.Recommend(new RecommendationRequest(["x"], Count: 3));
        Assert.Equal(RecommendationError.None, result.Error);
        Assert.Empty(result.Items);
        Assert.Equal(1, result.UnknownHistoryItems);
    }

    [Fact]
    public void Popular_HistoryAndRankedExcluded_IsExactlyWhatRecommendFillsWith()
    {
        var index = TinyCatalogue.Build();
        string[] history = ["m0"];
        var filled = index.Recommend(new RecommendationRequest(history, Count: 12)).Items;
        var ranked = index.Recommend(new RecommendationRequest(history, Count: 12, PopularityFallback: false)).Items;

        var popular = index.Popular(new PopularItemsRequest([.. history, .. ranked.Select(r => r.ItemId)], 12 - ranked.Count)).Items;

        Assert.InRange(ranked.Count, 1, 11);
        Assert.Equal(filled.Select(i => i.ItemId), ranked.Concat(popular).Select(i => i.ItemId));
        Assert.Equal(filled.Select(i => i.Score), ranked.Concat(popular).Select(i => i.Score));
        Assert.All(popular, p => Assert.Equal(RecommendationSource.Popularity, p.Source));
    }

    [Fact]
    public void Popular_KindFilterAndUnknownExclusions_OnlyMatchingItems()
    {
        var result = TinyCatalogue.Build().Popular(new PopularItemsRequest(["no-such-item"], 5, new ItemFilter(Kind: ItemKind.Game)));

        Assert.Equal(RecommendationError.None, result.Error);
        Assert.Equal(["never-played"], result.Items.Select(i => i.ItemId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(RecommendationRequest.MaxCount + 1)]
    public void Popular_CountOutOfRange_RefusedAsAValue(int count)
    {
        var result = TinyCatalogue.Build().Popular(new PopularItemsRequest([], count));

        Assert.Equal(RecommendationError.InvalidCount, result.Error);
        Assert.Empty(result.Items);
    }
}
