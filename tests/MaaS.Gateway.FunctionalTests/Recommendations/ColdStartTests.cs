namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>A catalogue item is recommendable the moment it is PUT, before any event or index rebuild (content and hybrid strategies).</summary>
public sealed class ColdStartTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task PutItem_GenresOnly_InSimilarOfSameGenresItemAndInRecommendationsOfThatGenre()
    {
        var horror = await CataloguedAsync("movie", g => g.Count == 1 && g[0] == "Horror");
        Assert.True(horror.Count >= 4, $"the demo catalogue should have single-genre horror films; found {horror.Count}");
        string user = Unique("u");
        var (posted, _) = await host.Gateway.PostJsonAsync("/v1/events", Events([.. horror.Take(4).Select(h => Event(Unique("e"), user, h.Id, "like"))]));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        string fresh = Unique("movie");

        var (put, _) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", $$"""{"items":[{"id":"{{fresh}}","kind":"movie","title":"Nobody Has Seen This","genres":["Horror"]}]}""");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var similar = await OkAsync($"/v1/items/{horror[0].Id}/similar?count=10");
        var similarCf = await OkAsync($"/v1/items/{horror[0].Id}/similar?count=10&strategy=cf");
        var mine = similar["items"]!.AsArray().SingleOrDefault(i => i!["itemId"]!.GetValue<string>() == fresh);
        Assert.True(mine is not null, $"{fresh} not in the hybrid similar items of {horror[0].Id}: {similar.ToJsonString()}");
        Assert.Equal("content", mine!["source"]!.GetValue<string>());
        Assert.DoesNotContain(fresh, Ids(similarCf));

        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":10,"explain":true}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var recommended = body!["items"]!.AsArray().SingleOrDefault(i => i!["itemId"]!.GetValue<string>() == fresh);
        Assert.True(recommended is not null, $"{fresh} not recommended to a horror-only history: {body.ToJsonString()}");
        Assert.Equal("content", recommended!["source"]!.GetValue<string>());
        Assert.Equal("same-genres", recommended["reason"]!["type"]!.GetValue<string>());
        string because = recommended["reason"]!["items"]![0]!["itemId"]!.GetValue<string>();
        Assert.Contains(because, horror.Take(4).Select(h => h.Id));
        Assert.Equal($"Same genres as {horror.Single(h => h.Id == because).Title}", recommended["reason"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutItems_ConcurrentBatches_EveryItemHasContentNeighbours()
    {
        string genre = "Genre-" + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, 24).Select(_ => Unique("song")).ToArray();

        var puts = await Task.WhenAll(ids.Chunk(3).Select(batch => host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", new JsonObject
        {
            ["items"] = new JsonArray([.. batch.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["kind"] = "song", ["title"] = "Song", ["genres"] = new JsonArray(genre) })]),
        }.ToJsonString())));

        Assert.All(puts, p => Assert.Equal(HttpStatusCode.OK, p.Response.StatusCode));
        foreach (string id in ids)
        {
            var similar = await OkAsync($"/v1/items/{id}/similar?count=100&strategy=content&genres={genre}");
            var found = Ids(similar).ToHashSet();
            // Every other item of the unique genre, whichever batch wrote it first: no merge was lost.
            Assert.True(found.SetEquals(ids.Where(other => other != id)), $"{id}: {found.Count} of {ids.Length - 1} neighbours");
        }
    }

    [Fact]
    public async Task Recommend_ContentStrategy_OnlyContentOrPopularSources()
    {
        var body = await OkPostAsync("""{"items":["game-001","game-002"],"count":10,"strategy":"content","explain":true}""");

        Assert.NotEmpty(body["items"]!.AsArray());
        Assert.All(body["items"]!.AsArray(), i => Assert.Contains(i!["source"]!.GetValue<string>(), new[] { "content", "popular", "trending" }));
        Assert.Equal("content", body["items"]![0]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recommend_CfStrategy_SameAsBeforeHybrid()
    {
        var cf = await OkPostAsync("""{"items":["game-001","game-025"],"count":5,"strategy":"CF"}""");

        Assert.All(Sources(cf), s => Assert.NotEqual("content", s));
    }

    [Theory]
    [InlineData("/v1/recommend", """{"userId":"a","strategy":"magic"}""")]
    [InlineData("/v1/items/movie-005/similar?strategy=magic", null)]
    public async Task Strategy_Unknown_ProblemDetailsNamingTheField(string path, string? json)
    {
        var (response, body) = json is null ? await host.Gateway.GetJsonAsync(path) : await host.Gateway.PostJsonAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequest", body!["code"]!.GetValue<string>());
        Assert.Contains(body["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "strategy");
    }

    private async Task<List<(string Id, string Title, List<string> Genres)>> CataloguedAsync(string kind, Func<List<string>, bool> genres)
    {
        var found = new List<(string, string, List<string>)>();
        for (int i = 1; i <= 100; i++)
        {
            var (response, item) = await host.Gateway.GetJsonAsync($"/v1/items/{kind}-{i:000}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            var names = item!["genres"]!.AsArray().Select(g => g!.GetValue<string>()).ToList();
            if (genres(names))
            {
                found.Add((item["id"]!.GetValue<string>(), item["title"]!.GetValue<string>(), names));
            }
        }

        return found;
    }

    private async Task<JsonNode> OkAsync(string path)
    {
        var (response, body) = await host.Gateway.GetJsonAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} -> {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    private async Task<JsonNode> OkPostAsync(string json)
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend", json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{json} -> {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }
}
