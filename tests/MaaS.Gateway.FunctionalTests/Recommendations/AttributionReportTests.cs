namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// The attribution report a tenant reads (<c>GET /v1/recommendations/attribution</c>): what its answers served and
/// what its attributed events were, from the store the replicas add to, over real HTTP with authentication on.
/// </summary>
public sealed class AttributionReportTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Three answers and their items by source; a batch with two attributed events and one without, sent twice (the
    /// retry stores nothing and counts nothing); an app's own type counted as other. Another tenant's report is empty.
    /// </summary>
    [Fact]
    public async Task Report_AnswersAndAttributedEvents_CountedOnceAndOnlyForTheirTenant()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:BuildOnStart"] = "true",
            ["Recommendations:AttributionFlushSeconds"] = "0.1",
        });
        string app = await gateway.CreateKeyAsync("default", ["app"]);
        string other = await gateway.CreateKeyAsync("acme", ["app"]);
        await WaitForIndexAsync(gateway, app);

        var served = new Dictionary<string, long>();
        string? id = null;
        string[] ids = [];
        for (int i = 0; i < 3; i++)
        {
            var (response, page) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommend", app, """{"userId":"demo-user-003","count":4}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (string source in Sources(page))
            {
                served[source] = served.GetValueOrDefault(source) + 1;
            }

            id = page!["recommendationId"]!.GetValue<string>();
            ids = Ids(page);
        }

        string user = Unique("u");
        string batch = Events(Attributed(Event(Unique("e"), user, ids[0], "play")), Attributed(Event(Unique("e"), user, ids[1], "bookmark")), Event(Unique("e"), user, ids[2], "click"));
        using (var first = await gateway.SendAsync(HttpMethod.Post, "/v1/events", app, batch))
        using (var retry = await gateway.SendAsync(HttpMethod.Post, "/v1/events", app, batch))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        }

        var report = await WaitForAsync(gateway, app, r => r["totals"]!["answers"]!.GetValue<long>() >= 3 && r["totals"]!["attributedEvents"]!.GetValue<long>() >= 2);
        await Task.Delay(500, Ct); // five more flushes: nothing else may arrive
        (_, report) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/recommendations/attribution", app);

        var totals = report!["totals"]!;
        long items = served.Values.Sum();
        Assert.Equal(3, totals["answers"]!.GetValue<long>());
        Assert.Equal(items, totals["servedItems"]!.GetValue<long>());
        Assert.Equal(served.OrderBy(kv => kv.Key, StringComparer.Ordinal), Counts(totals["served"]));
        Assert.Equal([new("other", 1L), new KeyValuePair<string, long>("play", 1L)], Counts(totals["attributed"]));
        Assert.Equal(1.0 / items, totals["rates"]!["play"]!.GetValue<double>(), 1e-12);
        Assert.Equal(24, report["buckets"]!.AsArray().Count);
        Assert.Equal(3, report["buckets"]!.AsArray().Sum(b => b!["answers"]!.GetValue<long>()));

        var (otherResponse, otherReport) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/recommendations/attribution?granularity=day", other);
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
        Assert.Equal((0L, 0L, 30), (otherReport!["totals"]!["answers"]!.GetValue<long>(), otherReport["totals"]!["attributedEvents"]!.GetValue<long>(), otherReport["buckets"]!.AsArray().Count));

        JsonObject Attributed(JsonObject e)
        {
            e["recommendationId"] = id;
            return e;
        }
    }

    [Theory]
    [InlineData("granularity=minute", "granularity")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-12-08&to=2026-12-07", "from")]
    [InlineData("from=2026-01-01&to=2026-03-01", "to")]
    [InlineData("from=2020-01-01&to=2026-01-01&granularity=day", "to")]
    public async Task Report_BadParameter_400ProblemNamingIt(string query, string field)
    {
        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/recommendations/attribution?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, Assert.Single(body!["errors"]!.AsArray())!["field"]!.GetValue<string>());
    }

    /// <summary>
    /// A gateway whose periodic flush never comes (an hour) stopped by SIGTERM: its shutdown writes the counts, and the
    /// next process over the same data folder reports them.
    /// </summary>
    [Fact]
    public async Task Report_AfterGracefulStopAndRestart_StillHoldsTheCounts()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SIGTERM is sent with kill(1)");
        using var folder = new GatewayFolder("maas-attribution-restart-");
        var settings = new Dictionary<string, string> { ["Recommendations:AttributionFlushSeconds"] = "3600" };
        using (var first = await folder.StartAsync(settings))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            for (int i = 0; i < 2; i++)
            {
                using var answer = await client.PostAsync("/v1/recommend", Json("""{"userId":"nobody","count":3}"""), Ct);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }

            using var stored = await client.PostAsync("/v1/events", Json("""{"events":[{"eventId":"e1","userId":"nobody","itemId":"movie-001","type":"like","recommendationId":"00000000000000aa"}]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            await first.TerminateAsync(TimeSpan.FromSeconds(60), Ct);
        }

        using var second = await folder.StartAsync(settings);
        using var reader = new HttpClient { BaseAddress = second.Address };
        var report = JsonNode.Parse(await reader.GetStringAsync("/v1/recommendations/attribution", Ct))!;

        Assert.Equal((2L, 1L), (report["totals"]!["answers"]!.GetValue<long>(), report["totals"]!["attributed"]!["like"]!.GetValue<long>()));
    }

    internal static List<KeyValuePair<string, long>> Counts(JsonNode? counts) =>
        [.. counts!.AsObject().Select(kv => KeyValuePair.Create(kv.Key, kv.Value!.GetValue<long>())).OrderBy(kv => kv.Key, StringComparer.Ordinal)];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> WaitForAsync(SecureGateway gateway, string key, Func<JsonNode, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (response, report) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/recommendations/attribution", key);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"report: {(int)response.StatusCode} {report?.ToJsonString()}");
            if (done(report!))
            {
                return report!;
            }

            Assert.True(clock.Elapsed < Patience, $"the report still reads {report!["totals"]!.ToJsonString()} after {Patience.TotalSeconds:0} s");
            await Task.Delay(100, Ct);
        }
    }

    // The first build runs in the background after start; until it is done, answers hold trending items alone.
    private static async Task WaitForIndexAsync(SecureGateway gateway, string key)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var similar = await gateway.SendAsync(HttpMethod.Get, "/v1/items/movie-001/similar?count=1", key);
            if (similar.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"no index after 60 s: {(int)similar.StatusCode}");
            await Task.Delay(200, Ct);
        }
    }
}
