namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class RecommendEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    private static string Recommend(string? user = null, string[]? items = null, int count = 10, JsonObject? filters = null, float? diversity = null, bool explain = false, bool metadata = false)
    {
        var request = new JsonObject { ["count"] = count, ["explain"] = explain };
        if (user is not null)
        {
            request["userId"] = user;
        }

        if (items is not null)
        {
            request["items"] = new JsonArray([.. items.Select(i => (JsonNode)i)]);
        }

        if (filters is not null)
        {
            request["filters"] = filters;
        }

        if (diversity is float d)
        {
            request["diversity"] = d;
        }

        if (metadata)
        {
            request["include"] = new JsonArray("metadata");
        }

        return request.ToJsonString();
    }

    private async Task<JsonNode> OkAsync(string json)
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{json} -> {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    [Fact]
    public async Task Recommend_NewUserPostsEvents_NextCallReflectsThem()
    {
        string user = Unique("u");
        var cold = await OkAsync(Recommend(user));
        Assert.All(Sources(cold), s => Assert.NotEqual("neighbours", s));

        // Horror films: the demo users who like them co-watch other horror titles.
        var (posted, _) = await host.Gateway.PostJsonAsync("/v1/events", Events(
            Event(Unique("e"), user, "movie-005", "play"), Event(Unique("e"), user, "movie-013", "like"), Event(Unique("e"), user, "movie-021", "play")));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var warm = await OkAsync(Recommend(user, metadata: true));
        Assert.Equal(3, warm["historySize"]!.GetValue<int>());
        Assert.NotEqual(Ids(cold), Ids(warm));
        Assert.Equal("neighbours", Sources(warm)[0]);
        Assert.DoesNotContain("movie-005", Ids(warm));
        Assert.Contains(warm["items"]!.AsArray(), i => i!["metadata"]!["genres"]!.AsArray().Any(g => g!.GetValue<string>() == "Horror"));
    }

    [Fact]
    public async Task Recommend_KindAndGenreFilters_OnlyMatchingItems()
    {
        var body = await OkAsync(Recommend("demo-user-001", count: 20, filters: new JsonObject { ["kind"] = "song", ["genres"] = new JsonArray("Jazz", "rock") }, metadata: true));

        var items = body["items"]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, i =>
        {
            Assert.Equal("song", i!["metadata"]!["kind"]!.GetValue<string>());
            Assert.Contains(i["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>()), g => g is "Jazz" or "Rock");
        });
    }

    [Fact]
    public async Task Recommend_ExcludeIds_NeverReturned()
    {
        var first = Ids(await OkAsync(Recommend("demo-user-002", count: 5)));

        var excluded = Ids(await OkAsync(Recommend("demo-user-002", count: 5, filters: new JsonObject { ["excludeIds"] = new JsonArray(first[0], first[2]) })));

        Assert.DoesNotContain(first[0], excluded);
        Assert.DoesNotContain(first[2], excluded);
        Assert.Equal(first[1], excluded[0]);
    }

    [Fact]
    public async Task Recommend_AvailableNow_DropsItemsOutsideTheirWindow()
    {
        var first = Ids(await OkAsync(Recommend("demo-user-003", count: 5, metadata: true)));
        var (get, top) = await host.Gateway.GetJsonAsync($"/v1/items/{first[0]}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        top!["availableFrom"] = null;
        top["availableUntil"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (put, _) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", new JsonObject { ["items"] = new JsonArray(top.DeepClone()) }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var anyTime = Ids(await OkAsync(Recommend("demo-user-003", count: 5)));
        var now = Ids(await OkAsync(Recommend("demo-user-003", count: 5, filters: new JsonObject { ["availableNow"] = true })));

        Assert.Equal(first[0], anyTime[0]);
        Assert.DoesNotContain(first[0], now);
    }

    [Fact]
    public async Task Recommend_Explain_ReasonsNameHistoryItems()
    {
        var stored = await host.Store.GetUserHistoryAsync("default", "demo-user-004", 1000, TestContext.Current.CancellationToken);
        var history = stored.Value.Select(e => e.ItemId).ToHashSet();

        var body = await OkAsync(Recommend("demo-user-004", count: 5, explain: true));

        foreach (var item in body["items"]!.AsArray())
        {
            var reason = item!["reason"]!;
            Assert.StartsWith("because-you-", reason["type"]!.GetValue<string>());
            Assert.StartsWith("Because you ", reason["text"]!.GetValue<string>());
            var because = reason["items"]!.AsArray();
            Assert.InRange(because.Count, 1, 3);
            Assert.All(because, b => Assert.Contains(b!["itemId"]!.GetValue<string>(), history));
            Assert.All(because, b => Assert.False(string.IsNullOrEmpty(b!["title"]!.GetValue<string>())));
        }
    }

    [Fact]
    public async Task Recommend_ExplainColdUser_PopularOrTrendingReasons()
    {
        var body = await OkAsync(Recommend(Unique("cold"), count: 3, explain: true));

        // Other tests of the class may have made a new item trending; a cold user never gets a because-you reason.
        Assert.All(body["items"]!.AsArray(), i =>
        {
            string source = i!["source"]!.GetValue<string>();
            Assert.Contains(source, new[] { "popular", "trending" });
            Assert.Equal(source, i["reason"]!["type"]!.GetValue<string>());
            Assert.Empty(i["reason"]!["items"]!.AsArray());
        });
    }

    [Fact]
    public async Task Recommend_LowDiversityLambda_MoreGenresThanRelevanceOnly()
    {
        async Task<int> GenresAsync(float? lambda)
        {
            var body = await OkAsync(Recommend("demo-user-005", count: 10, diversity: lambda, metadata: true));
            return body["items"]!.AsArray().SelectMany(i => i!["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>())).Distinct().Count();
        }

        int relevance = await GenresAsync(null);
        int diverse = await GenresAsync(0.2f);

        Assert.True(diverse > relevance, $"genres with λ=0.2: {diverse}, relevance only: {relevance}");
    }

    [Fact]
    public async Task Recommend_SessionItems_ScoredWithoutStoredHistory()
    {
        var body = await OkAsync(Recommend(items: ["game-001", "game-025"], count: 5, explain: true));

        Assert.Equal(2, body["historySize"]!.GetValue<int>());
        Assert.Equal("neighbours", Sources(body)[0]);
        Assert.DoesNotContain("game-001", Ids(body));
        Assert.Contains(body["items"]![0]!["reason"]!["items"]!.AsArray(), b => b!["itemId"]!.GetValue<string>() is "game-001" or "game-025");
    }

    [Fact]
    public async Task Recommend_ItemsNewSinceBuild_ServedAsTrending()
    {
        string item = Unique("game");
        var (put, _) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items",
            $$"""{"items":[{"id":"{{item}}","kind":"game","title":"Brand New","genres":["Puzzle"]}]}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await host.Gateway.PostJsonAsync("/v1/events", Events([.. Enumerable.Range(0, 40).Select(_ => Event(Unique("e"), Unique("u"), item))]));

        // Trending is counted from the event log, which the gateway's follower reads as soon as it is woken by the post
        // (within a second on a quiet box): ask until it shows, for at most 60 s.
        var clock = Stopwatch.StartNew();
        JsonNode body;
        while ((body = await OkAsync(Recommend(Unique("cold"), count: 5, filters: new JsonObject { ["kind"] = "game" }, explain: true)))["items"]![0]!["itemId"]!.GetValue<string>() != item
            && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var first = body["items"]![0]!;
        Assert.Equal(item, first["itemId"]!.GetValue<string>());
        Assert.Equal("trending", first["source"]!.GetValue<string>());
        Assert.Equal("trending", first["reason"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"count":5}""", "userId")]
    [InlineData("""{"userId":"a","sessionId":"b"}""", "sessionId")]
    [InlineData("""{"userId":"a","count":0}""", "count")]
    [InlineData("""{"userId":"a","count":101}""", "count")]
    [InlineData("""{"userId":"a","diversity":1.5}""", "diversity")]
    [InlineData("""{"userId":"a","filters":{"kind":"book"}}""", "filters.kind")]
    [InlineData("""{"userId":"a","include":["everything"]}""", "include")]
    [InlineData("""{"items":[""]}""", "items[0]")]
    [InlineData("""{"userId":"a","debias":{"method":"loud"}}""", "debias.method")]
    [InlineData("""{"userId":"a","debias":{"method":"popularity","strength":1.01}}""", "debias.strength")]
    [InlineData("""{"userId":"a","debias":{"method":"popularity","strength":-0.5}}""", "debias.strength")]
    public async Task Recommend_InvalidRequest_ProblemDetailsNamingTheField(string json, string field)
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task Problems_RequestLevelFieldWithoutIndex_BatchElementsWithTheirPosition()
    {
        var (recommend, single) = await host.Gateway.PostJsonAsync("/v1/recommend", "{}");
        var (events, batch) = await host.Gateway.PostJsonAsync("/v1/events", """{"events":[{"eventId":"x1","itemId":"i1","type":"view"}]}""");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (recommend.StatusCode, events.StatusCode));
        Assert.Equal("""{"field":"userId","reason":"give userId, sessionId or items"}""", single!["errors"]![0]!.ToJsonString());
        Assert.Equal(0, batch!["errors"]![0]!["index"]!.GetValue<int>());
        Assert.Equal("events[0].userId", batch["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recommend_DebiasBadMethodAndStrength_ProblemDetailsListsBothFields()
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", """{"userId":"a","debias":{"method":"loud","strength":7}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["debias.method", "debias.strength"], body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Recommend_DebiasWithExplain_ReportsThePagePopularityAndEachMove()
    {
        var request = JsonNode.Parse(Recommend("demo-user-004", count: 5, explain: true))!.AsObject();
        request["debias"] = new JsonObject { ["method"] = "popularity", ["strength"] = 1 };

        var plain = await OkAsync(Recommend("demo-user-004", count: 5, explain: true));
        var body = await OkAsync(request.ToJsonString());

        Assert.Null(plain["debias"]);
        var debias = body["debias"]!;
        Assert.Equal(("popularity", 1.0, "request"), (debias["method"]!.GetValue<string>(), debias["strength"]!.GetValue<double>(), debias["origin"]!.GetValue<string>()));
        Assert.True(debias["meanPopularity"]!.GetValue<double>() < debias["meanPopularityWithout"]!.GetValue<double>(), body.ToJsonString());
        Assert.NotEqual(Ids(plain), Ids(body));
        var moves = body["items"]!.AsArray().Select(i => i!["reason"]!["reranked"]?.GetValue<string>()).Where(m => m is not null).ToList();
        Assert.Contains(moves, m => m!.StartsWith("Moved up from ", StringComparison.Ordinal) && m.EndsWith("by the popularity re-ranking (strength 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recommend_DebiasCalibrated_PageMovesTowardTheHistoryGenres()
    {
        var stored = await host.Store.GetUserHistoryAsync("default", "demo-user-004", 1000, TestContext.Current.CancellationToken);
        var catalogue = new Dictionary<string, string[]>();
        foreach (var id in stored.Value.Select(e => e.ItemId).Distinct())
        {
            var (_, item) = await host.Gateway.GetJsonAsync($"/v1/items/{id}");
            catalogue[id] = [.. item!["genres"]!.AsArray().Select(g => g!.GetValue<string>())];
        }

        var request = JsonNode.Parse(Recommend("demo-user-004", count: 10, metadata: true))!.AsObject();
        request["debias"] = new JsonObject { ["method"] = "calibrated", ["strength"] = 0.9 };
        var plain = await OkAsync(Recommend("demo-user-004", count: 10, metadata: true));
        var calibrated = await OkAsync(request.ToJsonString());

        Assert.Equal("calibrated", calibrated["debias"]!["method"]!.GetValue<string>());
        // Total variation between the history's genre mix and the page's: calibration must not widen it.
        var history = Mix(catalogue.Values);
        double Distance(JsonNode page) => Distance2(history, Mix(page["items"]!.AsArray().Select(i => i!["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>()).ToArray())));
        Assert.True(Distance(calibrated) <= Distance(plain), $"{Distance(plain):F3} -> {Distance(calibrated):F3}");
    }

    private static Dictionary<string, double> Mix(IEnumerable<string[]> items)
    {
        var mix = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        int n = 0;
        foreach (var genres in items.Where(g => g.Length > 0))
        {
            n++;
            foreach (string g in genres)
            {
                mix[g] = mix.GetValueOrDefault(g) + (1.0 / genres.Length);
            }
        }

        return mix.ToDictionary(p => p.Key, p => p.Value / n, StringComparer.OrdinalIgnoreCase);
    }

    private static double Distance2(Dictionary<string, double> a, Dictionary<string, double> b) =>
        a.Keys.Union(b.Keys, StringComparer.OrdinalIgnoreCase).Sum(k => Math.Abs(a.GetValueOrDefault(k) - b.GetValueOrDefault(k))) / 2;

    [Fact]
    public async Task Recommend_MalformedJson_ProblemDetails400()
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", """{"userId": 42""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Recommend_NoBodyOrTextBody_400WordedByTheServiceAnd415()
    {
        var (empty, emptyBody) = await host.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommend", null);
        using var text = await host.Gateway.Client.PostAsync(
            "/v1/recommend", new StringContent("""{"userId":"a"}""", System.Text.Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);

        Assert.True(empty.StatusCode == HttpStatusCode.BadRequest, $"{(int)empty.StatusCode} {emptyBody}");
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Fact]
    public async Task Rebuild_NewEvents_NewVersionKnowsNewItem()
    {
        string item = Unique("song");
        var users = Enumerable.Range(0, 5).Select(_ => Unique("u")).ToArray();
        await host.Gateway.PostJsonAsync("/v1/events", Events([.. users.SelectMany(u => new[] { Event(Unique("e"), u, item), Event(Unique("e"), u, "song-010") })]));
        var (before, _) = await host.Gateway.GetJsonAsync($"/v1/items/{item}/similar");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        var job = await RebuildAsync(host.Gateway);

        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        var body = job["result"]!;
        Assert.True(body["version"]!.GetValue<long>() >= 2);
        var (after, similar) = await host.Gateway.GetJsonAsync($"/v1/items/{item}/similar?count=3");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("song-010", similar!["items"]![0]!["itemId"]!.GetValue<string>());
        Assert.Equal(body["version"]!.GetValue<long>(), similar["modelVersion"]!.GetValue<long>());
    }
}
