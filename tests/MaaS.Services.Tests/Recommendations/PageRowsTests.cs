using MaaS.Services.Recommendations.Attribution;
using MaaS.Services.Recommendations.Catalogue;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// A home page of rows through the service, without HTTP. The world, built into an index: six users who played the
/// dramas m1, m2 and the action movie hit, five of them m3, four who played the puzzle g1 and hit, three of them g2, two
/// of them g3 (so the index's popularity is hit 10, m1 7, m2 6, m3 5, g1 4, g2 3, g3 2), and the fan, who played m1, all
/// two days ago (out of the trending window). After the build, now: t1 (a game the index does not know) 3 plays, g4
/// (another) 2, g3 and m2 one each. Dated releases: n1 yesterday, n2
/// ten days ago, n3 in five days, n5 three days ago but withdrawn yesterday.
/// </summary>
public sealed class PageRowsTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task RecommendRowsAsync_OneRowOfEachKind_EachInItsOrderAndNoItemTwice()
    {
        await using var services = await WorldAsync();
        var service = services.Get<RecommendationService>();
        var forYouAlone = (await service.RecommendAsync(RecommendationServices.Tenant, new RecommendRequest("fan", null, null, 2, null, null, true, null, "cf"), Ct)).Value;

        var page = await RowsAsync(services, "fan", null, Row("forYou", 2), Row("because", 3), Row("popular", 3), Row("trending", 3), Row("new", 3));

        Assert.Equal(["forYou", "because", "popular", "trending", "new"], page.Rows.Select(r => r.Id));
        Assert.Equal(forYouAlone.Items.Select(i => i.ItemId), Ids(page, "forYou"));
        Assert.Equal(["m2", "m3"], Ids(page, "forYou").Order());

        // m1's neighbours are m2, m3 and hit; the row above took m2 and m3.
        var because = page.Rows[1];
        Assert.Equal(["hit"], Ids(page, "because"));
        Assert.Equal(("m1", "Because you watched Title m1"), (because.Anchor, because.Title));
        Assert.Equal("because-you-watched", because.Items[0].Reason?.Type);

        // Popularity without the fan's m1 and the rows above (hit, m2, m3): the games by their plays.
        Assert.Equal(["g1", "g2", "g3"], Ids(page, "popular"));
        Assert.Equal(["popular", "popular", "popular"], page.Rows[2].Items.Select(i => i.Source));

        // Plays since the build: t1 3, g4 2, then g3 and m2 (taken by the rows above).
        Assert.Equal(["t1", "g4"], Ids(page, "trending"));
        Assert.Equal([3f, 2f], page.Rows[3].Items.Select(i => i.Score));
        Assert.Equal("Trending now", page.Rows[3].Items[0].Reason?.Text);

        // Released and available today, newest release first; n3 is not out yet, n5 withdrawn, undated items never new.
        Assert.Equal(["n1", "n2"], Ids(page, "new"));
        Assert.Equal([0.5f, 1f / 11], page.Rows[4].Items.Select(i => i.Score));
        Assert.Equal(["new", "new"], page.Rows[4].Items.Select(i => i.Source));
        Assert.Equal(["Top picks for you", "Popular now", "Trending now", "New releases"], page.Rows.Where(r => r.Kind != "because").Select(r => r.Title));

        var all = page.Rows.SelectMany(r => r.Items).Select(i => i.ItemId).ToList();
        Assert.True(all.Count == all.Distinct().Count(), $"an item in two rows: {string.Join(", ", all)}");
        Assert.DoesNotContain("m1", all);
        Assert.Equal(1, page.HistorySize);
    }

    [Fact]
    public async Task RecommendRowsAsync_TwoAnchors_OneRowPerRecentItemGivenItemsFirst()
    {
        await using var services = await WorldAsync();

        var page = await RowsAsync(services, "fan", ["g1"], new RowRequest("because", 3, Anchors: 2));

        Assert.Equal([("because-1", "g1", "Because you played Title g1"), ("because-2", "m1", "Because you watched Title m1")], page.Rows.Select(r => (r.Id, r.Anchor!, r.Title)));
        Assert.Equal(["g2", "g3", "hit"], Ids(page, "because-1").Order());
        Assert.Equal(["m2", "m3"], Ids(page, "because-2").Order());
    }

    [Fact]
    public async Task RecommendRowsAsync_RowFilters_ApplyToTheirRowAlone()
    {
        await using var services = await WorldAsync();

        var page = await RowsAsync(
            services, "fan", null,
            new RowRequest("popular", 2, new RecommendFilters(null, ["Action", "drama"], null, false), "drama"),
            new RowRequest("popular", 2, new RecommendFilters("game", null, ["g1"], false), "games"),
            new RowRequest("new", 3, new RecommendFilters("game", null, null, false)),
            new RowRequest("popular", 1, new RecommendFilters("game", null, null, false), "more-games"));

        Assert.Equal(["hit", "m2"], Ids(page, "drama"));
        Assert.Equal("Popular in Action or drama", page.Rows[0].Title);
        Assert.Equal(["g2", "g3"], Ids(page, "games"));
        Assert.Equal("Popular games", page.Rows[1].Title);
        Assert.Equal(["n2"], Ids(page, "new"));
        Assert.Equal("New games", page.Rows[2].Title);

        // g1 was excluded from the games row only: the next row may show it.
        Assert.Equal(["g1"], Ids(page, "more-games"));
    }

    [Fact]
    public async Task RecommendRowsAsync_NewUser_PopularityThroughEveryRowAndEmptyRowsLeftOut()
    {
        await using var services = await WorldAsync();

        var page = await RowsAsync(services, "brand-new", null, Row("because", 3), Row("forYou", 3), Row("popular", 2), Row("trending", 2));

        // Nothing to anchor a because row on, nothing to rank by: forYou is the popularity fill (t1 and g4 were
        // catalogued before the build, so they are not new to the index), popular goes on where it stopped.
        Assert.Equal(["forYou", "popular", "trending"], page.Rows.Select(r => r.Id));
        Assert.Equal(["hit", "m1", "m2"], Ids(page, "forYou"));
        Assert.All(page.Rows[0].Items, i => Assert.Equal("popular", i.Source));
        Assert.Equal(["m3", "g1"], Ids(page, "popular"));
        Assert.Equal(["t1", "g4"], Ids(page, "trending"));
        Assert.Equal(0, page.HistorySize);
    }

    [Fact]
    public async Task RecommendRowsAsync_NoIndexBuiltYet_TrendingAndNewRowsOnly()
    {
        await using var services = await RecommendationServices.StartAsync();
        var catalogue = new List<ItemInput>
        {
            new("m1", "movie", "Title m1", ["Drama"], [], null, null, null), new("m2", "movie", "Title m2", ["Drama"], [], null, null, null),
            new("g1", "game", "Title g1", ["Puzzle"], [], null, null, null), new("n1", "movie", "Title n1", ["Drama"], [], null, Today.AddDays(-1), null),
        };
        Assert.True((await services.Get<CatalogueService>().UpsertAsync(RecommendationServices.Tenant, new ItemBatchRequest(catalogue), Ct)).IsSuccess);
        await services.AppendAsync(("u1", "m1", "play"), ("u2", "m1", "play"), ("u3", "m2", "play"), ("u1", "g1", "play"));

        var request = new RecommendRowsRequest("fan", null, null, [Row("forYou", 1), new RowRequest("because", 2, Anchors: 2), Row("popular", 2), Row("trending", 3), Row("new", 2)]);
        var result = await services.Get<RecommendationService>().RecommendRowsAsync(RecommendationServices.Tenant, request, null, Ct);

        // Before the first build forYou offers what /v1/recommend offers then (items by their events since start);
        // because and popular need the index and are left out.
        Assert.True(result.IsSuccess, result.Error?.Message);
        var page = result.Value;
        Assert.Null(page.ModelVersion);
        Assert.Equal(["forYou", "trending", "new"], page.Rows.Select(r => r.Id));
        Assert.Equal([("m1", "trending")], page.Rows[0].Items.Select(i => (i.ItemId, i.Source)));
        Assert.Equal(["g1", "m2"], Ids(page, "trending"));
        Assert.Equal(["n1"], Ids(page, "new"));
    }

    [Fact]
    public async Task RecommendRowsAsync_SeenItemsOfEveryRow_NeverOffered()
    {
        await using var services = await WorldAsync();
        await services.AppendAsync(("fan", "g1", "play"), ("fan", "t1", "skip"), ("fan", "n1", "view"));

        var page = await RowsAsync(services, "fan", null, Row("popular", 3), Row("trending", 5), Row("new", 5));

        var all = page.Rows.SelectMany(r => r.Items).Select(i => i.ItemId).ToList();
        Assert.True(!all.Intersect(["m1", "g1", "t1", "n1"]).Any(), $"a consumed item offered: {string.Join(", ", all)}");
        Assert.Equal(["hit", "m2", "m3"], Ids(page, "popular"));
        Assert.Equal(["g4", "g3"], Ids(page, "trending"));
        Assert.Equal(["n2"], Ids(page, "new"));
    }

    [Fact]
    public async Task RecommendRowsAsync_OnePage_CountedAsOneAnswerWithEveryRowsItemsBySource()
    {
        await using var services = await WorldAsync(o => o.AttributionFlushSeconds = 3600);
        services.Get<AttributionTally>().Drain();

        var page = await RowsAsync(services, "fan", null, Row("forYou", 2), Row("popular", 3), Row("trending", 3), Row("new", 3));

        var counted = services.Get<AttributionTally>().Drain().ToDictionary(r => (r.Kind, r.Name), r => r.Count);
        Assert.Equal(1, counted[("answers", "")]);
        Assert.Equal(2, counted[("served", "neighbours")]);
        Assert.Equal(3, counted[("served", "popular")]);
        Assert.Equal(3, counted[("served", "trending")]);
        Assert.Equal(2, counted[("served", "new")]);
        Assert.Equal(page.Rows.Sum(r => r.Items.Count), counted.Where(c => c.Key.Kind == "served").Sum(c => c.Value));
    }

    [Fact]
    public async Task RecommendRowsAsync_EveryRuleBroken_EachProblemNamesItsRowField()
    {
        await using var services = await RecommendationServices.StartAsync();
        var request = new RecommendRowsRequest(
            "u", null, null,
            [
                Row("forYou", 0), new RowRequest("popular", 5, Anchors: 2), new RowRequest("carousel"), new RowRequest("because", 5, new RecommendFilters("book", null, [""], false), Anchors: 11),
                new RowRequest("new", Id: "forYou"),
            ],
            Strategy: "magic");

        var result = await services.Get<RecommendationService>().RecommendRowsAsync(RecommendationServices.Tenant, request, null, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal(
            ["strategy", "rows[0].count", "rows[1].anchors", "rows[2].kind", "rows[3].anchors", "rows[3].filters.kind", "rows[3].filters.excludeIds[0]", "rows[4].id"],
            result.Error!.Problems.Select(p => p.Field));
        Assert.Equal(RowsValidation.KindProblem, result.Error.Problems.Single(p => p.Field == "rows[2].kind").Reason);
    }

    [Theory]
    [InlineData(0.3f, "popularity")]
    [InlineData(1f, "calibrated")]
    [InlineData(0f, "none")]
    public async Task RecommendRowsAsync_ForYouWithDiversityAndDebias_RankedAsRecommendRanksThem_NoItemTwice(float diversity, string method)
    {
        await using var services = await WorldAsync();
        var service = services.Get<RecommendationService>();
        var debias = new DebiasRequest(method, 1f);
        var alone = (await service.RecommendAsync(RecommendationServices.Tenant, new RecommendRequest("fan", null, null, 3, null, diversity, true, null, "cf", debias), Ct)).Value;

        var page = await RowsAsync(services, "fan", null, new RowRequest("forYou", 3, Diversity: diversity, Debias: debias), Row("because", 3), Row("popular", 3), Row("trending", 3));

        Assert.Equal(alone.Items.Select(i => (i.ItemId, i.Score, i.Reason?.Reranked)), page.Rows[0].Items.Select(i => (i.ItemId, i.Score, i.Reason?.Reranked)));
        var all = page.Rows.SelectMany(r => r.Items).Select(i => i.ItemId).ToList();
        Assert.True(all.Count == all.Distinct().Count(), $"diversity {diversity}, debias {method}: an item in two rows: {string.Join(", ", all)}");
        Assert.DoesNotContain("m1", all);
    }

    [Theory]
    [InlineData(0.3f, "popularity")]
    [InlineData(1f, "calibrated")]
    [InlineData(0.5f, "none")]
    public async Task RecommendRowsAsync_BecauseWithDiversityAndDebias_RankedAsRecommendRanksItsAnchorAlone(float diversity, string method)
    {
        // The fan's history is m1 alone, so /v1/recommend for the fan ranks the neighbours of the because row's anchor.
        await using var services = await WorldAsync();
        var service = services.Get<RecommendationService>();
        var debias = new DebiasRequest(method, 1f);
        var alone = (await service.RecommendAsync(RecommendationServices.Tenant, new RecommendRequest("fan", null, null, 3, null, diversity, true, null, "cf", debias), Ct)).Value;
        var plain = await RowsAsync(services, "fan", null, Row("because", 3));

        var page = await RowsAsync(services, "fan", null, new RowRequest("because", 3, Diversity: diversity, Debias: debias));

        Assert.Equal("m1", page.Rows[0].Anchor);
        Assert.Equal(alone.Items.Select(i => (i.ItemId, i.Reason?.Reranked)), page.Rows[0].Items.Select(i => (i.ItemId, i.Reason?.Reranked)));
        Assert.Equal(Ids(plain, "because").Order(), Ids(page, "because").Order());
        if (method == "popularity")
        {
            // The re-ranking moved something, so the row is not the plain one in another name.
            Assert.Contains(page.Rows[0].Items, i => i.Reason?.Reranked is not null);
        }
    }

    [Fact]
    public void Validate_DiversityAndDebias_ForYouAndBecauseRowsOnlyInRangeAndKnown()
    {
        var popularity = new DebiasRequest("popularity", null);
        var request = new RecommendRowsRequest("u", null, null,
        [
            new RowRequest("forYou", 3, Diversity: 0.5f, Debias: popularity), new RowRequest("popular", 3, Diversity: 0.5f), new RowRequest("trending", 3, Debias: popularity),
            new RowRequest("forYou", 3, Id: "f2", Diversity: 1.5f, Debias: new DebiasRequest("magic", 2f)),
            new RowRequest("because", 3, Diversity: 0.5f, Debias: popularity), new RowRequest("new", 3, Diversity: 0.2f, Debias: popularity),
        ]);

        var result = RowsValidation.Validate(request);

        Assert.Equal(
            [("rows[1].diversity", RowsValidation.RankedOnlyProblem("diversity")), ("rows[2].debias", RowsValidation.RankedOnlyProblem("debias")), ("rows[3].diversity", "must be in [0, 1]"),
             ("rows[3].debias.method", DebiasMethods.Problem), ("rows[3].debias.strength", DebiasMethods.StrengthProblem),
             ("rows[5].diversity", RowsValidation.RankedOnlyProblem("diversity")), ("rows[5].debias", RowsValidation.RankedOnlyProblem("debias"))],
            result.Error!.Problems.Select(p => (p.Field, p.Reason)));
        var because = RowsValidation.Validate(request with { Rows = [request.Rows![4]] }).Value.Rows[0];
        Assert.Equal((0.5f, DebiasMethod.Popularity), (because.Diversity, because.Debias!.Method));
        var valid = RowsValidation.Validate(request with { Rows = [request.Rows![0]] }).Value.Rows[0];
        Assert.Equal((0.5f, DebiasMethod.Popularity, RecommendationLimits.DefaultDebiasStrength, "request"), (valid.Diversity, valid.Debias!.Method, valid.Debias.Strength, valid.Debias.Origin));
    }

    [Theory]
    [InlineData(5, 100, 1, true)]
    [InlineData(6, 100, 1, false)]
    [InlineData(1, 50, 10, true)]
    [InlineData(1, 51, 10, false)]
    [InlineData(21, 1, 1, false)]
    [InlineData(0, 1, 1, false)]
    public void Validate_PageSize_TwentyRowsAndFiveHundredItemsInAll(int rows, int count, int anchors, bool accepted)
    {
        var request = new RecommendRowsRequest("u", null, null, [.. Enumerable.Range(0, rows).Select(i => new RowRequest("because", count, Id: $"r{i}", Anchors: anchors))]);

        var result = RowsValidation.Validate(request);

        Assert.True(accepted == result.IsSuccess, $"{rows} rows of {count} × {anchors}: {result.Error?.Message}");
        Assert.Equal(accepted ? null : "rows", result.Error?.Problems.Single().Field);
    }

    private static RowRequest Row(string kind, int count) => new(kind, count);

    private static List<string> Ids(RecommendRowsResponse page, string rowId) => [.. page.Rows.Single(r => r.Id == rowId).Items.Select(i => i.ItemId)];

    private static async Task<RecommendRowsResponse> RowsAsync(RecommendationServices services, string user, IReadOnlyList<string>? items, params RowRequest[] rows)
    {
        var request = new RecommendRowsRequest(user, null, items, rows, Explain: true, Strategy: "cf");
        var result = await services.Get<RecommendationService>().RecommendRowsAsync(RecommendationServices.Tenant, request, null, Ct);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    private static async Task<RecommendationServices> WorldAsync(Action<RecommendationOptions>? configure = null)
    {
        var services = await RecommendationServices.StartAsync(configure);
        ItemInput Item(string id, string kind, string genre, DateOnly? from = null, DateOnly? until = null) =>
            new(id, kind, "Title " + id, [genre], [], null, from, until);
        var catalogue = new List<ItemInput>
        {
            Item("m1", "movie", "Drama"), Item("m2", "movie", "Drama"), Item("m3", "movie", "Drama"), Item("hit", "movie", "Action"),
            Item("g1", "game", "Puzzle"), Item("g2", "game", "Puzzle"), Item("g3", "game", "Puzzle"), Item("g4", "game", "Puzzle"), Item("t1", "game", "Puzzle"),
            Item("n1", "movie", "Drama", Today.AddDays(-1)), Item("n2", "game", "Puzzle", Today.AddDays(-10)), Item("n3", "movie", "Drama", Today.AddDays(5)),
            Item("n5", "movie", "Drama", Today.AddDays(-3), Today.AddDays(-1)),
        };
        Assert.True((await services.Get<CatalogueService>().UpsertAsync(RecommendationServices.Tenant, new ItemBatchRequest(catalogue), Ct)).IsSuccess);

        var events = new List<(string, string, string)>();
        for (int u = 0; u < 6; u++)
        {
            events.AddRange(new[] { "m1", "m2", "hit" }.Concat(u < 5 ? ["m3"] : []).Select(i => ($"a{u}", i, "play")));
        }

        for (int u = 0; u < 4; u++)
        {
            events.AddRange(new[] { "g1", "hit" }.Concat(u < 3 ? ["g2"] : []).Concat(u < 2 ? ["g3"] : []).Select(i => ($"b{u}", i, "play")));
        }

        // Two days ago: out of the trending window, so what trends is what was played after the build.
        events.Add(("fan", "m1", "play"));
        await services.AppendAtAsync(DateTimeOffset.UtcNow.AddDays(-2), [.. events]);
        await services.RebuildAsync();
        await services.AppendAsync(("x0", "t1", "play"), ("x1", "t1", "play"), ("x2", "t1", "play"), ("y0", "g4", "play"), ("y1", "g4", "play"), ("z0", "g3", "play"), ("z1", "m2", "play"));
        return services;
    }
}
