using MaaS.Recommendations.Evaluation;
using MaaS.Services.Recommendations.Evaluation;
using MaaS.Storage.Import;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// <c>POST /v1/recommendations/bias</c> over real data: exposure by the attribute the caller names equals the shares
/// counted from the users' own <c>/v1/recommend</c> pages and stored histories, on ml-100k (genres, the release decade
/// as a <c>decade:</c> tag, kind) and on the Netflix titles (their type as a <c>type:</c> tag, a provider tag some
/// titles lack).
/// </summary>
public sealed class BiasReportTests
{
    private const int K = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_MovieLensByGenreDecadeAndKind_SharesAreThoseOfTheServedPages()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv");
        string movielens = SharedData.Require(Path.Combine("movielens", "ml-100k"), "u.item");
        var items = MovieLensCatalogue.Read(Path.Combine(movielens, "u.item")).Select(i => new CatalogItem(
            i.Metadata.ItemId, ItemKind.Movie, "movie " + i.Metadata.ItemId, i.Metadata.Genres,
            [.. i.Features.Where(f => f.Key.StartsWith("decade:", StringComparison.Ordinal)).Select(f => f.Key + "0s")])).ToList();
        var events = InteractionFiles.ReadTsv(Path.Combine(split, "train.tsv"))
            .Where(r => int.Parse(r.UserId, CultureInfo.InvariantCulture) <= 150)
            .Select((r, i) => new InteractionEvent($"r{i}", r.UserId, r.ItemId, "rate", r.Value, DateTimeOffset.FromUnixTimeSeconds(r.Timestamp))).ToList();
        await using var host = await StartAsync(items, events);
        string[] users = [.. Enumerable.Range(1, 60).Select(u => u.ToString(CultureInfo.InvariantCulture))];
        var catalogue = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);

        foreach (string by in new[] { "genre", "decade", "kind" })
        {
            var report = await ReportAsync(host, users, by);
            await AssertSharesAsync(host, report, users, ExposureGroups.Of(by, catalogue.GetValueOrDefault), events);
        }

        var byDecade = await ReportAsync(host, users, "decade");
        Assert.Contains(byDecade["groups"]!.AsArray(), g => g!["group"]!.GetValue<string>() == "1990s");
        var byKind = await ReportAsync(host, users, "kind");
        var movie = Assert.Single(byKind["groups"]!.AsArray());
        Assert.Equal(("movie", 1.0, 1.0), (movie!["group"]!.GetValue<string>(), movie["recommendedShare"]!.GetValue<double>(), movie["historyShare"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Report_NetflixByTypeAndProvider_SharesAreThoseOfTheServedPagesAndMissingTagsCountAsNone()
    {
        string content = SharedData.Require("content", "netflix_titles.csv");
        var read = ItemFileReader.Read(Path.Combine(content, "netflix_titles.csv"), ItemFieldMap.Parse("id=show_id,title=title,genres=listed_in,tags=type").Value, ItemKind.Movie);
        Assert.True(read.IsSuccess, read.Error?.Message);
        // The type becomes the attribute tag type:Movie / type:TV Show; every other title carries a provider tag.
        var items = read.Value.Select((i, n) => i with { Tags = [.. i.Tags.Select(t => "type:" + t), .. n % 2 == 0 ? new[] { "provider:Netflix" } : []] }).ToList();
        var shows = items.Take(900).Where(i => i.Tags.Contains("type:TV Show")).Select(i => i.ItemId).ToArray();
        var movies = items.Take(900).Where(i => i.Tags.Contains("type:Movie")).Select(i => i.ItemId).ToArray();
        Assert.True(shows.Length > 100 && movies.Length > 100, $"{shows.Length} shows, {movies.Length} movies");
        var random = new Random(22);
        var events = new List<InteractionEvent>();
        var start = DateTimeOffset.UnixEpoch.AddDays(20_000);
        for (int u = 0; u < 120; u++)
        {
            // A third of the users watch shows, the rest mostly movies: the histories' type mix is known.
            var pool = u % 3 == 0 ? shows[..60] : movies[..(u % 3 == 1 ? 80 : 40)];
            foreach (string item in Enumerable.Range(0, 12).Select(_ => pool[random.Next(pool.Length)]).Distinct())
            {
                events.Add(new InteractionEvent($"n{events.Count}", $"viewer-{u}", item, "play", 1, start.AddMinutes(events.Count)));
            }
        }

        await using var host = await StartAsync(items, events);
        string[] users = [.. Enumerable.Range(0, 120).Select(u => $"viewer-{u}"), "viewer-without-events"];
        var catalogue = items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);

        var byType = await ReportAsync(host, users, "type");
        await AssertSharesAsync(host, byType, users, ExposureGroups.Of("type", catalogue.GetValueOrDefault), events);
        Assert.Equal(["Movie", "TV Show"], byType["groups"]!.AsArray().Select(g => g!["group"]!.GetValue<string>()).Order());
        var byProvider = await ReportAsync(host, users, "provider");
        await AssertSharesAsync(host, byProvider, users, ExposureGroups.Of("provider", catalogue.GetValueOrDefault), events);
        Assert.Equal(["(none)", "Netflix"], byProvider["groups"]!.AsArray().Select(g => g!["group"]!.GetValue<string>()).Order());

        var (response, problem) = await host.PostJsonAsync("/v1/recommendations/bias", """{"userIds":[],"by":"no such attribute","count":0}""");
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {problem?.ToJsonString()}");
        Assert.Equal(["userIds", "by", "count"], problem!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    private static async Task<GatewayHost> StartAsync(List<CatalogItem> items, List<InteractionEvent> events)
    {
        var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?> { ["Recommendations:BuildOnStart"] = "false" });
        foreach (var batch in items.Chunk(StorageLimits.MaxBatchSize))
        {
            var upserted = await host.Services.GetRequiredService<ICatalogStore>().UpsertAsync(StorageLimits.DefaultTenant, batch, Ct);
            Assert.True(upserted.IsSuccess, upserted.Error?.Message);
        }

        foreach (var batch in events.Chunk(StorageLimits.MaxBatchSize))
        {
            var appended = await host.Services.GetRequiredService<IEventStore>().AppendAsync(StorageLimits.DefaultTenant, batch, Ct);
            Assert.True(appended.IsSuccess, appended.Error?.Message);
        }

        var built = await RebuildAsync(host);
        Assert.True(built["status"]!.GetValue<string>() == "succeeded", built.ToJsonString());
        return host;
    }

    private static async Task<JsonNode> ReportAsync(GatewayHost host, string[] users, string by)
    {
        var body = new JsonObject { ["userIds"] = new JsonArray([.. users.Select(u => (JsonNode)u)]), ["count"] = K, ["strategy"] = "cf", ["by"] = by };
        var (response, report) = await host.PostJsonAsync("/v1/recommendations/bias", body.ToJsonString());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"by {by}: {(int)response.StatusCode} {report?.ToJsonString()}");
        Assert.Equal(by, report!["by"]!.GetValue<string>());
        return report;
    }

    // The expected numbers, counted independently: each served page's slots and each user's distinct stored items,
    // split evenly over the item's groups.
    private static async Task AssertSharesAsync(GatewayHost host, JsonNode report, string[] users, Func<string, IReadOnlyList<string>> groupsOf, List<InteractionEvent> events)
    {
        var recommended = new Dictionary<string, double>(StringComparer.Ordinal);
        var histories = new Dictionary<string, double>(StringComparer.Ordinal);
        var shown = new HashSet<string>(StringComparer.Ordinal);
        int measured = 0;
        foreach (string user in users)
        {
            var consumed = events.Where(e => e.UserId == user).Select(e => e.ItemId).Distinct().ToList();
            if (consumed.Count == 0)
            {
                continue;
            }

            var (response, page) = await host.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":{{K}},"strategy":"cf"}""");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user}: {(int)response.StatusCode}");
            string[] ids = Ids(page);
            measured += ids.Length > 0 ? 1 : 0;
            shown.UnionWith(ids);
            Split(recommended, ids, groupsOf);
            Split(histories, consumed, groupsOf);
        }

        string by = report["by"]!.GetValue<string>();
        Assert.Equal(measured, report["users"]!.GetValue<int>());
        int indexed = events.Select(e => e.ItemId).Distinct().Count();
        Assert.Equal((double)shown.Count / indexed, report["coverage"]!.GetValue<double>(), 9);
        var groups = report["groups"]!.AsArray().ToDictionary(g => g!["group"]!.GetValue<string>(), g => (g!["recommendedShare"]!.GetValue<double>(), g["historyShare"]!.GetValue<double>()));
        Assert.Equal(recommended.Keys.Union(histories.Keys).Order(StringComparer.Ordinal), groups.Keys.Order(StringComparer.Ordinal));
        foreach (var (group, (recommendedShare, historyShare)) in groups)
        {
            Assert.True(Math.Abs(recommendedShare - (recommended.GetValueOrDefault(group) / recommended.Values.Sum())) < 1e-9, $"by {by}, {group}: recommended {recommendedShare}");
            Assert.True(Math.Abs(historyShare - (histories.GetValueOrDefault(group) / histories.Values.Sum())) < 1e-9, $"by {by}, {group}: histories {historyShare}");
        }
    }

    private static void Split(Dictionary<string, double> shares, IEnumerable<string> items, Func<string, IReadOnlyList<string>> groupsOf)
    {
        foreach (string item in items)
        {
            var groups = groupsOf(item);
            foreach (string g in groups)
            {
                shares[g] = shares.GetValueOrDefault(g) + (1.0 / groups.Count);
            }
        }
    }
}
