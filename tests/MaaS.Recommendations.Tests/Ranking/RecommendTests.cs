namespace MaaS.Recommendations.Tests.Ranking;

public sealed class RecommendTests
{
    private static readonly ItemIndex s_index = TinyCatalogue.Build();

    [Fact]
    public void Recommend_MovieHistory_RanksOtherMoviesAndExcludesSeen()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0", "m1"], Count: 4, PopularityFallback: false));

        Assert.Equal(RecommendationError.None, result.Error);
        Assert.NotEmpty(result.Items);
        Assert.DoesNotContain(result.Items, r => r.ItemId is "m0" or "m1");
        Assert.All(result.Items.Where(r => r.ItemId != "blockbuster"), r => Assert.StartsWith("m", r.ItemId));
        Assert.Equal(result.Items.OrderByDescending(r => r.Score).Select(r => r.ItemId), result.Items.Select(r => r.ItemId));
    }

    [Fact]
    public void Recommend_ExcludeSeenOff_CanReturnHistoryItems()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0", "m1", "m2"], Count: 10, ExcludeSeen: false, PopularityFallback: false));

        Assert.Contains(result.Items, r => r.ItemId is "m0" or "m1" or "m2");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Recommend_Exclude_NeverReturnedNotScoredWorkspaceLeftClean(bool excludeSeen)
    {
        var plain = s_index.Recommend(new RecommendationRequest(["m0"], Count: 13, ExcludeSeen: excludeSeen));
        string[] exclude = [plain.Items[0].ItemId, plain.Items[2].ItemId, "blockbuster", "unknown-id"];

        var excluded = s_index.Recommend(new RecommendationRequest(["m0"], Count: 13, ExcludeSeen: excludeSeen, Exclude: exclude));
        var after = s_index.Recommend(new RecommendationRequest(["m0"], Count: 13, ExcludeSeen: excludeSeen));

        // Excluded items add nothing to the scores (unlike history items): the rest keep their scores and order, and
        // the popularity fill takes the freed places.
        var kept = plain.Items.Where(r => !exclude.Contains(r.ItemId)).Select(r => (r.ItemId, r.Score)).ToList();
        Assert.DoesNotContain(excluded.Items, r => exclude.Contains(r.ItemId));
        Assert.Equal(kept, excluded.Items.Take(kept.Count).Select(r => (r.ItemId, r.Score)));
        Assert.Equal(plain.Items.Select(r => (r.ItemId, r.Score)), after.Items.Select(r => (r.ItemId, r.Score)));
        Assert.Equal(excludeSeen, !excluded.Items.Any(r => r.ItemId == "m0"));
    }

    [Fact]
    public void Recommend_KindFilter_ReturnsOnlyThatKind()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0", "s0"], Count: 10, Filter: new ItemFilter(Kind: ItemKind.Song)));

        // Six songs, one seen: the filter leaves exactly five, with or without the popularity top-up.
        Assert.Equal(5, result.Items.Count);
        Assert.All(result.Items, r => Assert.StartsWith("s", r.ItemId));
    }

    [Fact]
    public void Recommend_GenreFilter_ReturnsOnlyMatchingGenres()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0"], Count: 5, Filter: new ItemFilter(Genres: ["COMEDY", "action"])));

        Assert.NotEmpty(result.Items);
        Assert.All(result.Items, r => Assert.True(r.ItemId is "m1" or "m3" or "m5" or "blockbuster", r.ItemId));
    }

    [Fact]
    public void Recommend_ColdUser_FallsBackToPopularity()
    {
        var result = s_index.Recommend(new RecommendationRequest(["unknown-item"], Count: 3));

        Assert.Equal(1, result.UnknownHistoryItems);
        Assert.Equal(3, result.Items.Count);
        Assert.All(result.Items, r => Assert.Equal(RecommendationSource.Popularity, r.Source));
        Assert.Equal("blockbuster", result.Items[0].ItemId);
        Assert.True(result.Items[0].Score >= result.Items[1].Score);
    }

    [Fact]
    public void Recommend_FewNeighbours_TopsUpFromPopularityWithoutDuplicates()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0"], Count: 12));

        Assert.Equal(12, result.Items.Count);
        Assert.Equal(result.Items.Count, result.Items.Select(r => r.ItemId).Distinct().Count());
        Assert.Contains(result.Items, r => r.Source == RecommendationSource.Popularity);
        Assert.DoesNotContain(result.Items, r => r.ItemId == "m0");
    }

    [Fact]
    public void Recommend_Explain_ListsContributingHistoryItemsInOrder()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0", "m1", "s0"], Count: 3, Explain: true, PopularityFallback: false));

        var first = result.Items[0];
        Assert.NotEmpty(first.Because);
        Assert.All(first.Because, c => Assert.Contains(c.ItemId, new[] { "m0", "m1", "s0" }));
        Assert.Equal(first.Because.OrderByDescending(c => c.Value).Select(c => c.ItemId), first.Because.Select(c => c.ItemId));
        // Contributions add up to the score when every contributor is listed (three history items, three slots).
        Assert.Equal(first.Score, first.Because.Sum(c => c.Value), 3);
    }

    [Fact]
    public void Recommend_LowLambda_PromotesTheOtherCluster()
    {
        // The blockbuster co-occurs with everything; leaving it out keeps the two clusters apart.
        var history = new[] { "m0", "m1", "m2", "s0" };
        var noBlockbuster = new ItemFilter(Genres: ["drama", "comedy", "pop"]);
        var relevance = s_index.Recommend(new RecommendationRequest(history, Count: 4, Filter: noBlockbuster, PopularityFallback: false));
        var diverse = s_index.Recommend(new RecommendationRequest(history, Count: 4, Filter: noBlockbuster, Diversity: 0.2f, PopularityFallback: false));

        Assert.Equal(RecommendationError.None, diverse.Error);
        Assert.Equal(relevance.Items[0].ItemId, diverse.Items[0].ItemId);
        int FirstSong(RecommendationResult r) => r.Items.ToList().FindIndex(i => i.ItemId.StartsWith('s'));
        Assert.True(FirstSong(diverse) >= 0 && FirstSong(diverse) < FirstSong(relevance), $"relevance: {string.Join(",", relevance.Items.Select(i => i.ItemId))}; diverse: {string.Join(",", diverse.Items.Select(i => i.ItemId))}");
    }

    [Fact]
    public void Recommend_LambdaOne_EqualsPlainRanking()
    {
        var plain = s_index.Recommend(new RecommendationRequest(["m0", "s1"], Count: 5));
        var mmr = s_index.Recommend(new RecommendationRequest(["m0", "s1"], Count: 5, Diversity: 1f));

        Assert.Equal(plain.Items.Select(i => i.ItemId), mmr.Items.Select(i => i.ItemId));
    }

    [Theory]
    [InlineData(0, null, RecommendationError.InvalidCount)]
    [InlineData(1001, null, RecommendationError.InvalidCount)]
    [InlineData(5, 1.5f, RecommendationError.InvalidDiversity)]
    [InlineData(5, -0.1f, RecommendationError.InvalidDiversity)]
    public void Recommend_InvalidRequest_ReturnsErrorValue(int count, float? lambda, RecommendationError expected)
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0"], Count: count, Diversity: lambda));

        Assert.Equal(expected, result.Error);
        Assert.Empty(result.Items);
    }

    [Fact]
    public void Recommend_WeightsOfWrongLength_ReturnsWeightsMismatch()
    {
        var result = s_index.Recommend(new RecommendationRequest(["m0", "m1"], Weights: [1f]));

        Assert.Equal(RecommendationError.WeightsMismatch, result.Error);
    }

    [Fact]
    public void SimilarItems_Movie_ReturnsSameClusterAndRespectsFilter()
    {
        var result = s_index.SimilarItems(new SimilarItemsRequest("m0", Count: 3));
        var filtered = s_index.SimilarItems(new SimilarItemsRequest("m0", Count: 10, Filter: new ItemFilter(Kind: ItemKind.Song)));

        Assert.Equal(3, result.Items.Count);
        Assert.All(result.Items.Where(r => r.ItemId != "blockbuster"), r => Assert.StartsWith("m", r.ItemId));
        Assert.DoesNotContain(result.Items, r => r.ItemId == "m0");
        Assert.All(filtered.Items, r => Assert.StartsWith("s", r.ItemId));
    }

    [Fact]
    public void SimilarItems_UnknownItem_ReturnsUnknownItem()
    {
        Assert.Equal(RecommendationError.UnknownItem, s_index.SimilarItems(new SimilarItemsRequest("nope")).Error);
    }

    [Fact]
    public void Recommend_Explain_MatchesPairwiseLookupReference()
    {
        var index = TinyCatalogue.Build();
        string[] history = ["m0", "m1", "m2", "m3", "s0", "blockbuster"];
        float[] weights = [1f, 2f, 0.5f, 1f, 3f, 1f];

        var result = index.Recommend(new RecommendationRequest(history, Count: 5, Weights: weights, Explain: true, PopularityFallback: false));

        Assert.NotEmpty(result.Items);
        foreach (var item in result.Items)
        {
            index.TryGetItemIndex(item.ItemId, out int j);
            var expected = history.Select((h, k) => (Id: h, Value: index.WeightOf(Idx(index, h), j) * weights[k]))
                .Where(c => c.Value != 0f).OrderByDescending(c => c.Value).ThenBy(c => Idx(index, c.Id)).Take(3).ToArray();
            Assert.Equal(expected.Select(c => c.Id), item.Because.Select(c => c.ItemId));
            Assert.Equal(expected.Select(c => c.Value), item.Because.Select(c => c.Value));
        }
    }

    private static int Idx(ItemIndex index, string id) => index.TryGetItemIndex(id, out int i) ? i : -1;
}
