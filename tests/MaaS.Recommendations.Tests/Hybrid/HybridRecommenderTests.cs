using MaaS.Recommendations.Tests.Ranking;
using static MaaS.Recommendations.Tests.Content.ContentIndexTests;

namespace MaaS.Recommendations.Tests.Hybrid;

public sealed class HybridRecommenderTests
{
    [Theory]
    [InlineData(0f, 0.2f)]
    [InlineData(3f, 1f)]
    [InlineData(50f, 0.5f)]
    public void Recommend_Hybrid_ScoresEqualTheBlendFormula(float beta, float alpha)
    {
        var events = TinyCatalogue.Events();
        var cf = TinyCatalogue.Build();
        var content = ContentIndex.Build(Catalogue());
        var counts = ColdItemProtocol.Counts(events);
        var hybrid = new HybridRecommender(cf, content, counts, new HybridOptions(beta, alpha));
        string[] history = ["m0", "m3", "s1"];

        var result = hybrid.Recommend(new RecommendationRequest(history, Count: 30, PopularityFallback: false));

        var cfScores = Sum(hybrid.Items.Ids, history, (h, i) => cf.TryGetItemIndex(h, out int a) && cf.TryGetItemIndex(i, out int b) ? cf.WeightOf(a, b) : 0f);
        var contentScores = Sum(hybrid.Items.Ids, history, (h, i) => content.TryGetItemIndex(h, out int a) && content.TryGetItemIndex(i, out int b) ? content.WeightOf(a, b) : 0f);
        float cfMax = cfScores.Values.Max();
        float contentMax = contentScores.Values.Max();
        Assert.NotEmpty(result.Items);
        foreach (var item in result.Items)
        {
            int n = counts.GetValueOrDefault(item.ItemId);
            float w = n == 0 ? 0f : n / (n + beta);
            float expected = (w * cfScores[item.ItemId] / cfMax) + (alpha * (1f - w) * contentScores[item.ItemId] / contentMax);
            Assert.True(Math.Abs(expected - item.Score) < 1e-5, $"β {beta}, α {alpha}, {item.ItemId} (n = {n}): expected {expected}, got {item.Score}");
        }

        Assert.DoesNotContain(result.Items, r => history.Contains(r.ItemId));
    }

    [Theory]
    [InlineData(RecommendationStrategy.Hybrid)]
    [InlineData(RecommendationStrategy.Content)]
    [InlineData(RecommendationStrategy.CollaborativeFiltering)]
    public void Recommend_Exclude_NeverReturnedNotScoredWorkspaceLeftClean(RecommendationStrategy strategy)
    {
        var hybrid = new HybridRecommender(TinyCatalogue.Build(), ContentIndex.Build(Catalogue()), ColdItemProtocol.Counts(TinyCatalogue.Events()), new HybridOptions(3f, 0.5f, 0));
        string[] history = ["m0", "g0"];
        var plain = hybrid.Recommend(new RecommendationRequest(history, Count: 12), strategy);
        Assert.True(plain.Items.Count >= 4, $"{strategy}: {plain.Items.Count} items");
        string[] exclude = [plain.Items[0].ItemId, plain.Items[3].ItemId, "fresh-puzzle", "unknown-id"];

        var excluded = hybrid.Recommend(new RecommendationRequest(history, Count: 12, Exclude: exclude), strategy);
        var after = hybrid.Recommend(new RecommendationRequest(history, Count: 12), strategy);

        Assert.DoesNotContain(excluded.Items, r => exclude.Contains(r.ItemId));
        var kept = plain.Items.Where(r => !exclude.Contains(r.ItemId)).Select(r => (r.ItemId, r.Score)).ToList();
        Assert.Equal(kept, excluded.Items.Take(kept.Count).Select(r => (r.ItemId, r.Score)));
        Assert.Equal(plain.Items.Select(r => (r.ItemId, r.Score)), after.Items.Select(r => (r.ItemId, r.Score)));
    }

    [Fact]
    public void Recommend_ItemWithoutEvents_RankedByContentWithContentSource()
    {
        var hybrid = new HybridRecommender(TinyCatalogue.Build(), ContentIndex.Build(Catalogue()), ColdItemProtocol.Counts(TinyCatalogue.Events()));

        var result = hybrid.Recommend(new RecommendationRequest(["g0", "m1"], Count: 20, Explain: true));
        var cfOnly = hybrid.Recommend(new RecommendationRequest(["g0", "m1"], Count: 20), RecommendationStrategy.CollaborativeFiltering);

        var fresh = Assert.Single(result.Items, r => r.ItemId == "fresh-puzzle");
        Assert.Equal(RecommendationSource.Content, fresh.Source);
        Assert.Equal("g0", fresh.Because[0].ItemId);
        Assert.DoesNotContain(cfOnly.Items, r => r.ItemId == "fresh-puzzle");
    }

    [Fact]
    public void Recommend_NewItemBelowEstablishedOnes_TakesTheReservedLastSlot()
    {
        var cf = TinyCatalogue.Build();
        var counts = ColdItemProtocol.Counts(TinyCatalogue.Events());
        var catalogue = Catalogue();
        catalogue.Add(Item("fresh-drama", "genre:drama", "kind:Movie") with { Metadata = new ItemMetadata("fresh-drama", ItemKind.Movie, ["drama"]) });
        var content = ContentIndex.Build(catalogue);
        var request = new RecommendationRequest(["m0", "m2", "m4"], Count: 3, PopularityFallback: false);

        var withSlot = new HybridRecommender(cf, content, counts, new HybridOptions(0f, 0.1f, NewItemSlots: 1)).Recommend(request);
        var without = new HybridRecommender(cf, content, counts, new HybridOptions(0f, 0.1f, NewItemSlots: 0)).Recommend(request);

        Assert.DoesNotContain(without.Items, r => r.ItemId == "fresh-drama");
        Assert.Equal("fresh-drama", withSlot.Items[^1].ItemId);
        Assert.Equal(RecommendationSource.Content, withSlot.Items[^1].Source);
        Assert.Equal(without.Items.Take(2).Select(r => r.ItemId), withSlot.Items.Take(2).Select(r => r.ItemId));
    }

    [Fact]
    public void Recommend_NewItemSharingOnlyTheKind_DoesNotTakeTheSlot()
    {
        var catalogue = TinyCatalogue.Metadata().Select(m => new ContentItem(m, [.. m.Genres.Select(g => new ContentFeature("genre:" + g, 1f)), new ContentFeature("kind:" + m.Kind, 1f)])).ToList();
        catalogue.Add(Item("fresh-western", "genre:western", "kind:Movie") with { Metadata = new ItemMetadata("fresh-western", ItemKind.Movie, ["western"]) });
        var hybrid = new HybridRecommender(TinyCatalogue.Build(), ContentIndex.Build(catalogue), ColdItemProtocol.Counts(TinyCatalogue.Events()), new HybridOptions(0f, 0.1f, NewItemSlots: 1));

        // Other dramas (m2, m4) match m0 on genre and kind; the western shares only the kind: far below a quarter of the best.
        var result = hybrid.Recommend(new RecommendationRequest(["m0"], Count: 3, PopularityFallback: false));

        Assert.Equal(3, result.Items.Count);
        Assert.DoesNotContain(result.Items, r => r.ItemId == "fresh-western");
        Assert.All(result.Items, r => Assert.Equal(RecommendationSource.Neighbours, r.Source));
    }

    [Fact]
    public void SimilarItems_ContentStrategy_FindsSameGenresNewItem()
    {
        var hybrid = new HybridRecommender(TinyCatalogue.Build(), ContentIndex.Build(Catalogue()), ColdItemProtocol.Counts(TinyCatalogue.Events()));

        var similar = hybrid.SimilarItems(new SimilarItemsRequest("fresh-puzzle", 5), RecommendationStrategy.Content);
        var cf = hybrid.SimilarItems(new SimilarItemsRequest("fresh-puzzle", 5), RecommendationStrategy.CollaborativeFiltering);

        // never-played (a catalogued game without events) has the same genre and kind: the two tie at cosine 1.
        Assert.Equal(["g0", "never-played"], similar.Items.Take(2).Select(i => i.ItemId).Order(StringComparer.Ordinal));
        Assert.All(similar.Items, i => Assert.Equal(RecommendationSource.Content, i.Source));
        Assert.Equal(RecommendationError.UnknownItem, cf.Error);
    }

    [Fact]
    public void Recommend_CfStrategy_IsExactlyTheItemIndex()
    {
        var cf = TinyCatalogue.Build();
        var hybrid = new HybridRecommender(cf, ContentIndex.Build(Catalogue()), null);
        var request = new RecommendationRequest(["m0", "s2"], Count: 8, Explain: true);

        var viaHybrid = hybrid.Recommend(request, RecommendationStrategy.CollaborativeFiltering);
        var direct = cf.Recommend(request);

        Assert.Equal(direct.Items.Select(i => (i.ItemId, i.Score, i.Source)), viaHybrid.Items.Select(i => (i.ItemId, i.Score, i.Source)));
    }

    [Theory]
    [InlineData(0f, 0f, 0f)]
    [InlineData(0f, 5f, 1f)]
    [InlineData(10f, 10f, 0.5f)]
    [InlineData(10f, 30f, 0.75f)]
    public void CfWeight_IsCountOverCountPlusBeta(float beta, float count, float expected) =>
        Assert.Equal(expected, new HybridOptions(beta).CfWeight(count), 6);

    private static List<ContentItem> Catalogue()
    {
        var list = TinyCatalogue.Metadata().Select(m => new ContentItem(m, [.. m.Genres.Select(g => new ContentFeature("genre:" + g, 1f)), new ContentFeature("kind:" + m.Kind, 1f)])).ToList();
        list.Add(Item("g0", "genre:puzzle", "kind:Game") with { Metadata = new ItemMetadata("g0", ItemKind.Game, ["puzzle"]) });
        list.Add(Item("fresh-puzzle", "genre:puzzle", "kind:Game") with { Metadata = new ItemMetadata("fresh-puzzle", ItemKind.Game, ["puzzle"]) });
        return list;
    }

    private static Dictionary<string, float> Sum(IReadOnlyList<string> items, string[] history, Func<string, string, float> similarity) =>
        items.ToDictionary(i => i, i => history.Sum(h => similarity(h, i)));

    [Theory]
    [InlineData(RecommendationStrategy.Hybrid)]
    [InlineData(RecommendationStrategy.Content)]
    [InlineData(RecommendationStrategy.CollaborativeFiltering)]
    public void Popular_UnderEachStrategy_IsWhatRecommendFillsWithUnderIt(RecommendationStrategy strategy)
    {
        var hybrid = new HybridRecommender(TinyCatalogue.Build(), ContentIndex.Build(Catalogue()), ColdItemProtocol.Counts(TinyCatalogue.Events()));
        string[] history = ["m0"];
        var filled = hybrid.Recommend(new RecommendationRequest(history, Count: 25), strategy).Items;
        var ranked = hybrid.Recommend(new RecommendationRequest(history, Count: 25, PopularityFallback: false), strategy).Items;

        var popular = hybrid.Popular(new PopularItemsRequest([.. history, .. ranked.Select(r => r.ItemId)], 25 - ranked.Count), strategy).Items;

        Assert.NotEmpty(popular);
        Assert.Equal(filled.Select(i => i.ItemId), ranked.Concat(popular).Select(i => i.ItemId));
    }

    [Fact]
    public void Popular_WithoutCfIndex_Empty()
    {
        var contentOnly = new HybridRecommender(null, ContentIndex.Build(Catalogue()), null);

        var result = contentOnly.Popular(new PopularItemsRequest([], 5));

        Assert.Equal(RecommendationError.None, result.Error);
        Assert.Empty(result.Items);
    }
}
