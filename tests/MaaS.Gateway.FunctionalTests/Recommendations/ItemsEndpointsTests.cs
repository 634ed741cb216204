namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class ItemsEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    [Fact]
    public async Task PutItems_ThenGet_RoundTripsEveryField()
    {
        string id = Unique("movie");
        string json = $$"""
            {"items":[{"id":"{{id}}","kind":"movie","title":"Round Trip","genres":["Drama","Comedy"],"tags":["family"],
              "text":"A test film.","availableFrom":"2026-01-01","availableUntil":"2026-12-31"}]}
            """;

        var (put, written) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);
        var (get, item) = await host.Gateway.GetJsonAsync($"/v1/items/{id}");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, written!["upserted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(id, item!["id"]!.GetValue<string>());
        Assert.Equal("movie", item["kind"]!.GetValue<string>());
        Assert.Equal("Round Trip", item["title"]!.GetValue<string>());
        Assert.Equal(["Drama", "Comedy"], item["genres"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal(["family"], item["tags"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.Equal("A test film.", item["text"]!.GetValue<string>());
        Assert.Equal("2026-01-01", item["availableFrom"]!.GetValue<string>());
        Assert.Equal("2026-12-31", item["availableUntil"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutItems_ExistingId_Replaced()
    {
        string id = Unique("song");
        await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", $$"""{"items":[{"id":"{{id}}","kind":"song","title":"Old"}]}""");

        await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", $$"""{"items":[{"id":"{{id}}","kind":"game","title":"New","genres":["RPG"]}]}""");
        var (_, item) = await host.Gateway.GetJsonAsync($"/v1/items/{id}");

        Assert.Equal("New", item!["title"]!.GetValue<string>());
        Assert.Equal("game", item["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutItems_InvalidItems_RejectedWholeListingEveryProblem()
    {
        string good = Unique("movie");
        string json = $$"""
            {"items":[{"id":"{{good}}","kind":"movie","title":"Fine"},{"id":"x","kind":"book","title":""},
              {"kind":"song","title":"No id","availableFrom":"2026-05-01","availableUntil":"2026-04-01"}]}
            """;

        var (response, body) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["items[1].kind", "items[1].title", "items[2].availableUntil", "items[2].id"], fields);
        var (get, _) = await host.Gateway.GetJsonAsync($"/v1/items/{good}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task PutItems_ProblemsTheStoreFinds_NamedByTheirJsonFields()
    {
        // The store's own checks (lengths, control characters) run after the service's: their fields must still be the
        // ones the client sent, not the store record's property names (ItemId, Genres).
        string json = $$"""
            {"items":[{"id":"{{new string('x', 129)}}","kind":"movie","title":"Long id","genres":["Drama\u0000"]}]}
            """;

        var (response, body) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest && body?["errors"] is not null, $"{response.StatusCode} {body}");
        var fields = body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["items[0].genres", "items[0].id"], fields);
    }

    [Theory]
    [InlineData("""{"items":[]}""")]
    [InlineData("""{"items":"nope"}""")]
    public async Task PutItems_EmptyOrMalformed_ProblemDetails400(string json)
    {
        var (response, body) = await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetItem_Unknown_ProblemDetails404()
    {
        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/items/{Unique("ghost")}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NotFound", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteItem_Catalogued_204ThenGoneFromReadsAndSimilarAndUnknownTheSecondTime()
    {
        string kept = Unique("movie"), gone = Unique("movie"), genre = Unique("Genre");
        string json = $$"""
            {"items":[{"id":"{{kept}}","kind":"movie","title":"Twin One","genres":["{{genre}}"],"tags":["{{genre}}-tag"]},
                      {"id":"{{gone}}","kind":"movie","title":"Twin Two","genres":["{{genre}}"],"tags":["{{genre}}-tag"]}]}
            """;
        await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);
        var (_, before) = await host.Gateway.GetJsonAsync($"/v1/items/{kept}/similar?strategy=content&count=3");
        Assert.Equal(gone, before!["items"]![0]!["itemId"]!.GetValue<string>());

        var (deleted, _) = await host.Gateway.SendJsonAsync(HttpMethod.Delete, $"/v1/items/{gone}", null);
        var (again, problem) = await host.Gateway.SendJsonAsync(HttpMethod.Delete, $"/v1/items/{gone}", null);
        var (get, _) = await host.Gateway.GetJsonAsync($"/v1/items/{gone}");
        var (similarOfGone, _) = await host.Gateway.GetJsonAsync($"/v1/items/{gone}/similar?strategy=content");
        var (_, after) = await host.Gateway.GetJsonAsync($"/v1/items/{kept}/similar?strategy=content&count=100");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("NotFound", problem!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, similarOfGone.StatusCode);
        Assert.DoesNotContain(gone, after!["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Similar_DemoItem_NeighboursOfSameTasteWithMetadata()
    {
        var (response, body) = await host.Gateway.GetJsonAsync("/v1/items/movie-005/similar?count=5&include=metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = body!["items"]!.AsArray();
        Assert.Equal(5, items.Count);
        Assert.DoesNotContain(items, i => i!["itemId"]!.GetValue<string>() == "movie-005");
        Assert.All(items, i => Assert.Equal("neighbours", i!["source"]!.GetValue<string>()));
        Assert.All(items, i => Assert.NotNull(i!["metadata"]!["title"]));
        var scores = items.Select(i => i!["score"]!.GetValue<float>()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Similar_KindFilter_OnlyThatKind()
    {
        var (response, body) = await host.Gateway.GetJsonAsync("/v1/items/movie-005/similar?count=5&kind=song");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(body!["items"]!.AsArray(), i => Assert.StartsWith("song-", i!["itemId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Similar_ItemCataloguedAfterBuild_CfPopularOfItsKindAndGenre_HybridContentNeighbours()
    {
        string id = Unique("game");
        await host.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", $$"""{"items":[{"id":"{{id}}","kind":"game","title":"Fresh","genres":["Racing"]}]}""");

        var (response, body) = await host.Gateway.GetJsonAsync($"/v1/items/{id}/similar?count=3&include=metadata&strategy=cf");
        var (hybridResponse, hybrid) = await host.Gateway.GetJsonAsync($"/v1/items/{id}/similar?count=3&include=metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(body!["items"]!.AsArray());
        Assert.All(body["items"]!.AsArray(), i =>
        {
            Assert.Equal("popular", i!["source"]!.GetValue<string>());
            Assert.Contains("Racing", i["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>()));
        });
        Assert.Equal(HttpStatusCode.OK, hybridResponse.StatusCode);
        Assert.Equal(3, hybrid!["items"]!.AsArray().Count);
        Assert.All(hybrid["items"]!.AsArray(), i =>
        {
            Assert.Equal("content", i!["source"]!.GetValue<string>());
            Assert.Contains("Racing", i["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>()));
        });
    }

    [Theory]
    [InlineData("/v1/items/ghost-item/similar", HttpStatusCode.NotFound)]
    [InlineData("/v1/items/movie-005/similar?count=0", HttpStatusCode.BadRequest)]
    [InlineData("/v1/items/movie-005/similar?kind=book", HttpStatusCode.BadRequest)]
    [InlineData("/v1/items/movie-005/similar?include=all", HttpStatusCode.BadRequest)]
    [InlineData("/v1/items/movie-005/similar?count=abc", HttpStatusCode.BadRequest)]
    public async Task Similar_BadInput_ProblemDetails(string path, HttpStatusCode status)
    {
        var (response, body) = await host.Gateway.GetJsonAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal((int)status, body!["status"]!.GetValue<int>());
    }
}
