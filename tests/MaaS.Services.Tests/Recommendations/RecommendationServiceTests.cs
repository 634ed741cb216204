using MaaS.Recommendations.Hybrid;
using MaaS.Recommendations.Ranking;
using MaaS.Services.Recommendations.Catalogue;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// The service contract without HTTP. The world: six users who each played a1..a3 and the blockbuster, six who each
/// played b1..b3 and the blockbuster (so the b items are popular but never neighbours of an a item), built into an
/// index; then events for two items the index does not know yet (new: 3 events, new2: 1).
/// </summary>
public sealed class RecommendationServiceTests
{

    [Fact]
    public async Task RecommendAsync_EveryRuleBroken_EveryProblemListedOnce()
    {
        await using var services = await RecommendationServices.StartAsync();
        var request = new RecommendRequest(
            UserId: " ", SessionId: "s", Items: [""], Count: 0, Filters: new RecommendFilters("book", null, [""], false),
            Diversity: float.NaN, Explain: false, Include: ["everything"], Strategy: "magic");

        var result = await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, request, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal(
            ["strategy", "sessionId", "userId", "items[0]", "count", "diversity", "include", "filters.kind", "filters.excludeIds[0]"],
            result.Error!.Problems.Select(p => p.Field));
    }

    [Theory]
    [InlineData(RecommendationLimits.MaxCount, true)]
    [InlineData(RecommendationLimits.MaxCount + 1, false)]
    public async Task RecommendAsync_CountAtAndPastTheLimit_OneLimitForEveryCaller(int count, bool accepted)
    {
        await using var services = await WorldAsync();

        var result = await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(["a1"], count, "cf"), Ct);

        // The engine itself would take up to RecommendationRequest.MaxCount; the service's limit is the only one a client meets.
        Assert.True(RecommendationLimits.MaxCount + 1 <= RecommendationRequest.MaxCount);
        Assert.Equal(accepted, result.IsSuccess);
        Assert.Equal(accepted ? null : $"must be 1..{RecommendationLimits.MaxCount}", result.Error?.Problems.Single(p => p.Field == "count").Reason);
    }

    [Fact]
    public async Task RecommendAsync_ItemsNewSinceBuild_SplicedOnceBetweenRankedAndPopular()
    {
        await using var services = await WorldAsync();

        var page = (await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(["a1"], 8, "cf"), Ct)).Value.Items;

        Assert.Equal(["neighbours", "neighbours", "neighbours", "trending", "trending", "popular", "popular", "popular"], page.Select(i => i.Source));
        Assert.Equal(["new", "new2"], page.Where(i => i.Source == "trending").Select(i => i.ItemId));
        Assert.Equal([3f, 1f], page.Where(i => i.Source == "trending").Select(i => i.Score));
        Assert.Equal(["b1", "b2", "b3"], page.Where(i => i.Source == "popular").Select(i => i.ItemId).Order());
        Assert.Equal(page.Count, page.Select(i => i.ItemId).Distinct().Count());
        Assert.DoesNotContain("a1", page.Select(i => i.ItemId));
    }

    [Fact]
    public async Task RecommendAsync_RankedItemsFillThePage_NoTrendingNoPopular()
    {
        await using var services = await WorldAsync();

        var page = (await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(["a1"], 3, "cf"), Ct)).Value.Items;

        Assert.All(page, i => Assert.Equal("neighbours", i.Source));
    }

    [Fact]
    public async Task RecommendAsync_AfterRebuild_NewItemsAreNeighboursNotTrending()
    {
        await using var services = await WorldAsync();
        await services.RebuildAsync();

        var page = (await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(["a1"], 8, "cf"), Ct)).Value.Items;

        Assert.DoesNotContain(page, i => i.Source == "trending");
        Assert.Contains(page, i => i.ItemId == "new");
    }

    [Theory]
    [InlineData("cf", RecommendationStrategy.CollaborativeFiltering)]
    [InlineData("CF", RecommendationStrategy.CollaborativeFiltering)]
    [InlineData(null, RecommendationStrategy.Hybrid)]
    [InlineData("content", RecommendationStrategy.Content)]
    public async Task RecommendAsync_Strategy_PageIsTheEngineOwnRankingUnderThatStrategy(string? strategy, RecommendationStrategy parsed)
    {
        // Without new items, the assembled page (ranked, then popular) is what one engine call with its own popularity
        // fill returns under the strategy the request named: one decision, taken when the request is validated.
        await using var services = await WorldAsync(withNewItems: false);
        var tenant = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        using var lease = services.Get<RecommendationModels>().Acquire(RecommendationServices.Tenant).Value;
        var engine = tenant.Engine((ItemCfModel)lease.Model, tenant.Catalogue, new RecommendationOptions().Blend());
        var expected = engine.Recommend(new RecommendationRequest(["a1"], 7), parsed).Items.Select(i => i.ItemId);

        var page = (await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(["a1"], 7, strategy), Ct)).Value.Items;

        Assert.Equal(expected, page.Select(i => i.ItemId));
        Assert.Equal(RecommendValidation.Validate(Request(["a1"], 7, strategy)).Value.Strategy, parsed);
    }

    [Fact]
    public async Task DeleteAsync_ItemTheCfIndexKnows_NeverOfferedBeforeOrAfterTheNextBuild()
    {
        await using var services = await WorldAsync(withNewItems: false);
        var catalogue = services.Get<CatalogueService>();
        var items = new[] { "a1", "a2", "a3", "b1", "b2", "b3", "blockbuster" }
            .Select(id => new ItemInput(id, "game", "Title " + id, ["Puzzle"], [], null, null, null)).ToList();
        Assert.True((await catalogue.UpsertAsync(RecommendationServices.Tenant, new ItemBatchRequest(items), Ct)).IsSuccess);
        var service = services.Get<RecommendationService>();
        Assert.Contains("b1", (await service.SimilarAsync(RecommendationServices.Tenant, "b2", 5, null, null, null, "cf", Ct)).Value.Items.Select(i => i.ItemId));

        Assert.True((await catalogue.DeleteAsync(RecommendationServices.Tenant, "b1", Ct)).IsSuccess);

        foreach (string when in new[] { "before the build", "after the build" })
        {
            var page = (await service.RecommendAsync(RecommendationServices.Tenant, Request(["a1"], 8, "cf"), Ct)).Value.Items.Select(i => i.ItemId).ToList();
            Assert.Equal(["b2", "b3"], page.Where(id => id is "b1" or "b2" or "b3").Order());
            foreach (string strategy in new[] { "cf", "content", "hybrid" })
            {
                var similar = (await service.SimilarAsync(RecommendationServices.Tenant, "b2", 5, null, null, null, strategy, Ct)).Value.Items.Select(i => i.ItemId).ToList();
                Assert.True(!similar.Contains("b1"), $"{when}, {strategy}: [{string.Join(", ", similar)}]");
                Assert.NotEmpty(similar);
            }

            Assert.Equal(ErrorCode.NotFound, (await service.SimilarAsync(RecommendationServices.Tenant, "b1", 5, null, null, null, "cf", Ct)).Error?.Code);
            await services.RebuildAsync();
        }

        using var lease = services.Get<RecommendationModels>().Acquire(RecommendationServices.Tenant).Value;
        Assert.False(((ItemCfModel)lease.Model).Index.TryGetItemIndex("b1", out _), "the build after the delete still learnt b1 from its events");
        Assert.Equal(ErrorCode.NotFound, (await catalogue.DeleteAsync(RecommendationServices.Tenant, "b1", Ct)).Error?.Code);
    }

    private static RecommendRequest Request(string[] items, int count, string? strategy) =>
        new(null, null, items, count, null, null, Explain: false, Include: null, Strategy: strategy);

    private static async Task<RecommendationServices> WorldAsync(bool withNewItems = true)
    {
        var services = await RecommendationServices.StartAsync();
        var events = new List<(string, string, string)>();
        for (int u = 0; u < 6; u++)
        {
            events.AddRange(new[] { "a1", "a2", "a3", "blockbuster" }.Select(i => ($"ua{u}", i, "play")));
            events.AddRange(new[] { "b1", "b2", "b3", "blockbuster" }.Select(i => ($"ub{u}", i, "play")));
        }

        await services.AppendAsync([.. events]);
        await services.RebuildAsync();
        if (withNewItems)
        {
            await services.AppendAsync(("ua0", "new", "play"), ("ua1", "new", "play"), ("ub0", "new", "play"), ("ub1", "new2", "play"));
        }

        return services;
    }
}
