namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// Attribution: each recommend answer has an id, events that name it keep it (store, export), and <c>/metrics</c>
/// counts what was served against what was attributed, so an operator can read the recommendations' click-through.
/// </summary>
public sealed partial class AttributionTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task Recommend_EachAnswerAFreshId_EventsNamingItKeepItInTheExport()
    {
        var (first, page) = await host.Gateway.PostJsonAsync("/v1/recommend", """{"userId":"demo-user-001","count":3}""");
        var (_, again) = await host.Gateway.PostJsonAsync("/v1/recommend", """{"userId":"demo-user-001","count":3}""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        string id = page!["recommendationId"]!.GetValue<string>();
        Assert.Matches(HexId(), id);
        Assert.NotEqual(id, again!["recommendationId"]!.GetValue<string>());

        string user = Unique("u");
        var clicked = Event(Unique("e"), user, Ids(page)[0], "click", at: Day0);
        clicked["recommendationId"] = id;
        var (stored, _) = await host.Gateway.PostJsonAsync("/v1/events", Events(clicked, Event(Unique("e"), user, "movie-002", at: Day0.AddMinutes(1))));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        var (_, export) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/export");
        var events = export!["events"]!.AsArray();
        Assert.Equal(2, events.Count);
        Assert.Null(events[0]!["recommendationId"]);
        Assert.Equal(id, events[1]!["recommendationId"]!.GetValue<string>());
        Assert.Equal(id, (await host.Store.GetUserEventsAsync("default", user, Ct)).Value[1].RecommendationId);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    [InlineData(null)]
    public async Task PostEvents_BadRecommendationId_400NamingItAndNothingStored(string? recommendationId)
    {
        string user = Unique("u");
        var e = Event(Unique("e"), user, "movie-001");
        e["recommendationId"] = recommendationId ?? new string('r', StorageLimits.MaxIdLength + 1);

        var (response, body) = await host.Gateway.PostJsonAsync("/v1/events", Events(Event(Unique("e"), user, "movie-002"), e));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("events[1].recommendationId", Assert.Single(body!["errors"]!.AsArray())!["field"]!.GetValue<string>());
        Assert.Empty((await host.Store.GetUserEventsAsync("default", user, Ct)).Value);
    }

    /// <summary>
    /// A gateway process of its own, so the process-wide exposition holds only this test's traffic: the served items of
    /// one answer by source, the attributed events of a new batch by type (an app's own type as <c>other</c>), and a
    /// retried batch, stored already, counting nothing.
    /// </summary>
    [Fact]
    public async Task Metrics_ServedItemsAndAttributedEvents_CountedOnceEach()
    {
        using var folder = new GatewayFolder("maas-attribution-");
        using var gateway = await folder.StartAsync(new Dictionary<string, string> { ["Storage:SeedDemoDataWhenEmpty"] = "true" });
        using var client = new HttpClient { BaseAddress = gateway.Address };

        using var recommend = await client.PostAsync("/v1/recommend", Json("""{"userId":"demo-user-001","count":5}"""), Ct);
        var page = JsonNode.Parse(await recommend.Content.ReadAsStringAsync(Ct));
        string id = page!["recommendationId"]!.GetValue<string>();
        var served = Sources(page).GroupBy(s => s).ToDictionary(g => g.Key, g => (double)g.Count());
        Assert.Equal(5, served.Values.Sum());

        string batch = Events(
            Attributed(Event("p1", "buyer", Ids(page)[0], "purchase")),
            Attributed(Event("p2", "buyer", Ids(page)[1], "purchase")),
            Attributed(Event("b1", "buyer", Ids(page)[2], "bookmark")),
            Event("v1", "buyer", Ids(page)[3], "view"));
        using (var first = await client.PostAsync("/v1/events", Json(batch), Ct))
        using (var retry = await client.PostAsync("/v1/events", Json(batch), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Contains("\"duplicates\":4", await retry.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        string metrics = await client.GetStringAsync("/metrics", Ct);
        foreach (string source in new[] { "neighbours", "content", "trending", "popular" })
        {
            Assert.Equal(served.GetValueOrDefault(source), Sample(metrics, "maas_recommendations_served_items", "source", source));
        }

        Assert.Equal(2, Sample(metrics, "maas_recommendations_attributed_events", "type", "purchase"));
        Assert.Equal(1, Sample(metrics, "maas_recommendations_attributed_events", "type", "other"));
        Assert.Equal(0, Sample(metrics, "maas_recommendations_attributed_events", "type", "view"));

        JsonObject Attributed(JsonObject e)
        {
            e["recommendationId"] = id;
            return e;
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static double Sample(string exposition, string metric, string label, string value)
    {
        string prefix = $"{metric}{{{label}=\"{value}\"}} ";
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {prefix.Trim()} in /metrics");
        return double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex HexId();
}
