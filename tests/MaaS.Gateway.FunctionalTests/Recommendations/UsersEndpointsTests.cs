namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class UsersEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task Analysis_KnownHistory_AffinityEntropyActivityTrend()
    {
        string user = Unique("u");
        string a = Unique("movie"), b = Unique("movie"), c = Unique("song");
        await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", $$"""
            {"items":[{"id":"{{a}}","kind":"movie","title":"A","genres":["Drama"]},
                      {"id":"{{b}}","kind":"movie","title":"B","genres":["Comedy"]},
                      {"id":"{{c}}","kind":"song","title":"C","genres":["Jazz"]}]}
            """);
        // Earlier: two Drama days apart (same ISO week); recent (last 14 days before the newest event): Jazz twice, Comedy once.
        await host.Gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("e"), user, a, "play", at: Day0),
            Event(Unique("e"), user, a, "like", at: Day0.AddDays(1)),
            Event(Unique("e"), user, b, "play", at: Day0.AddDays(30)),
            Event(Unique("e"), user, c, "play", at: Day0.AddDays(31)),
            Event(Unique("e"), user, c, "play", at: Day0.AddDays(31).AddHours(1))));

        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/analysis?trendDays=14");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, body!["events"]!.GetValue<int>());
        var kinds = body["kinds"]!.AsArray();
        Assert.Equal("movie", kinds[0]!["name"]!.GetValue<string>());
        Assert.Equal(0.6, kinds[0]!["share"]!.GetValue<double>(), 6);
        var genres = body["genres"]!.AsArray().ToDictionary(g => g!["name"]!.GetValue<string>(), g => g!["events"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["Drama"] = 2, ["Jazz"] = 2, ["Comedy"] = 1 }, genres);
        double expectedEntropy = -(2 * 0.4 * Math.Log2(0.4) + 0.2 * Math.Log2(0.2));
        Assert.Equal(expectedEntropy, body["diversity"]!["genreEntropyBits"]!.GetValue<double>(), 6);
        Assert.Equal(expectedEntropy / Math.Log2(3), body["diversity"]!["normalizedEntropy"]!.GetValue<double>(), 6);
        Assert.Equal(3, body["diversity"]!["distinctItems"]!.GetValue<int>());
        Assert.Equal(5, body["popularity"]!["unknownItems"]!.GetValue<int>());
        var days = body["activity"]!["days"]!.AsArray().Select(d => (d!["period"]!.GetValue<string>(), d["events"]!.GetValue<int>()));
        Assert.Equal([("2026-03-02", 1), ("2026-03-03", 1), ("2026-04-01", 1), ("2026-04-02", 2)], days);
        var weeks = body["activity"]!["weeks"]!.AsArray().Select(w => (w!["period"]!.GetValue<string>(), w["events"]!.GetValue<int>()));
        Assert.Equal([("2026-W10", 2), ("2026-W14", 3)], weeks);
        Assert.Equal(3, body["trend"]!["recentEvents"]!.GetValue<int>());
        Assert.Equal(2, body["trend"]!["earlierEvents"]!.GetValue<int>());
        Assert.Equal(["Jazz", "Comedy"], body["trend"]!["rising"]!.AsArray().Select(g => g!["genre"]!.GetValue<string>()));
        Assert.Equal("Drama", body["trend"]!["falling"]![0]!["genre"]!.GetValue<string>());
    }

    [Fact]
    public async Task Analysis_DemoUser_NoveltyFromIndexPopularity()
    {
        var (response, body) = await host.Gateway.GetJsonAsync("/v1/users/demo-user-010/analysis");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        double user = body!["popularity"]!["meanNoveltyBits"]!.GetValue<double>();
        double catalogue = body["popularity"]!["catalogueMeanNoveltyBits"]!.GetValue<double>();
        // 300 items: a uniform draw is log2(300) ≈ 8.2 bits; popular items carry fewer.
        Assert.InRange(user, 4, 10);
        Assert.InRange(catalogue, 4, 10);
        Assert.Equal(0, body["popularity"]!["unknownItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Analysis_UnknownUser_EmptyAnalysis()
    {
        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/users/{Unique("nobody")}/analysis");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body!["events"]!.GetValue<int>());
        Assert.Empty(body["genres"]!.AsArray());
    }

    [Theory]
    [InlineData("trendDays=0")]
    [InlineData("trendDays=400")]
    [InlineData("trendDays=soon")]
    public async Task Analysis_BadTrendDays_ProblemDetails400(string query)
    {
        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/users/demo-user-001/analysis?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeleteUser_WithEvents_HistoryErasedAndRecommendationsFallBackToPopular()
    {
        string user = Unique("u");
        await host.Gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("e"), user, "movie-005"), Event(Unique("e"), user, "movie-013"), Event(Unique("e"), user, "movie-021")));
        var (_, before) = await host.Gateway.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":5}""");
        Assert.Equal("neighbours", Sources(before)[0]);

        var (deleted, _) = await host.Gateway.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{user}", null);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var history = await host.Store.GetUserHistoryAsync("default", user, 100, TestContext.Current.CancellationToken);
        Assert.Empty(history.Value);
        var (_, after) = await host.Gateway.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":5}""");
        Assert.Equal(0, after!["historySize"]!.GetValue<int>());
        Assert.All(Sources(after), s => Assert.NotEqual("neighbours", s));
        var (_, analysis) = await host.Gateway.GetJsonAsync($"/v1/users/{user}/analysis");
        Assert.Equal(0, analysis!["events"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeleteUser_Unknown_NoContent()
    {
        var (response, _) = await host.Gateway.SendJsonAsync(HttpMethod.Delete, $"/v1/users/{Unique("nobody")}", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
