namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary><c>POST /v1/search</c> on a real gateway: real SQLite, real MiniLM through the registry, items PUT over HTTP.</summary>
public sealed class SearchApiTests(EmbeddingsGateway fixture) : IClassFixture<EmbeddingsGateway>
{
    [Fact]
    public async Task Semantic_SpaceAdventureWithRobots_FindsTheSciFiItemWithoutSharedWords()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "searchsemantic");

        var semantic = await SearchReadyAsync(key, """{"query":"space adventure with robots","mode":"semantic","count":3,"explain":true}""");
        var lexical = await OkAsync(key, """{"query":"space adventure with robots","mode":"lexical"}""");
        var hybrid = await OkAsync(key, """{"query":"space adventure with robots","explain":true}""");

        var hits = semantic["items"]!.AsArray();
        Assert.Equal("scifi", hits[0]!["itemId"]!.GetValue<string>());
        float top = hits[0]!["explanation"]!["similarity"]!.GetValue<float>();
        Assert.True(top > hits[1]!["explanation"]!["similarity"]!.GetValue<float>() + 0.05f, semantic.ToJsonString());
        Assert.Equal("all-minilm-l6-v2/1", semantic["embeddingModel"]!.GetValue<string>());
        Assert.Empty(lexical["items"]!.AsArray());
        Assert.Equal("hybrid", hybrid["mode"]!.GetValue<string>());
        Assert.Equal("scifi", hybrid["items"]![0]!["itemId"]!.GetValue<string>());
        Assert.Equal(1, hybrid["items"]![0]!["explanation"]!["semanticRank"]!.GetValue<int>());
        Assert.Null(hybrid["items"]![0]!["explanation"]!["lexicalRank"]);
    }

    [Fact]
    public async Task Lexical_WordQuery_MatchesTermsAndHonoursFilters()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "searchlexical");

        var all = await OkAsync(key, """{"query":"Souffle","mode":"lexical","explain":true,"include":["metadata"]}""");
        var movies = await OkAsync(key, """{"query":"souffle","mode":"lexical","filters":{"kind":"movie"}}""");
        var excluded = await OkAsync(key, """{"query":"souffle","mode":"lexical","filters":{"excludeIds":["cooking"]}}""");
        var jazz = await OkAsync(key, """{"query":"souffle","mode":"lexical","filters":{"genres":["jazz"]}}""");

        Assert.Equal(["song", "cooking"], Ids(all));
        Assert.Equal(["souffle"], all["items"]![0]!["explanation"]!["terms"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(all["items"]![0]!["explanation"]!["bm25"]!.GetValue<float>() > 0);
        Assert.Equal("Soufflé Blues", all["items"]![0]!["metadata"]!["title"]!.GetValue<string>());
        Assert.Equal(["cooking"], Ids(movies));
        Assert.Equal(["song"], Ids(excluded));
        Assert.Equal(["song"], Ids(jazz));
    }

    [Fact]
    public async Task Lexical_ItemPutAfterTheFirstSearch_FoundOnceTheRebuiltIndexIsSwappedIn()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "searchswap");
        Assert.Empty(Ids(await OkAsync(key, """{"query":"lighthouse","mode":"lexical"}""")));

        var (put, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key,
            """{"items":[{"id":"keeper","kind":"movie","title":"The Lighthouse Keeper","genres":["Drama"],"text":"A storm cuts off a lonely lighthouse."}]}""");
        Assert.True(put.IsSuccessStatusCode, body?.ToJsonString());

        // The index is rebuilt in the background (the previous one answers meanwhile) and swapped in when done.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string[] found;
        while ((found = Ids(await OkAsync(key, """{"query":"lighthouse","mode":"lexical"}"""))).Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the new item is still not searchable after 60 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(["keeper"], found);
    }

    [Theory]
    [InlineData("""{"query":""}""", "query")]
    [InlineData("""{"query":"   "}""", "query")]
    [InlineData("""{"count":5}""", "query")]
    [InlineData("""{"query":"robots","mode":"fuzzy"}""", "mode")]
    [InlineData("""{"query":"robots","count":0}""", "count")]
    [InlineData("""{"query":"robots","count":101}""", "count")]
    [InlineData("""{"query":"robots","filters":{"kind":"book"}}""", "filters.kind")]
    [InlineData("""{"query":"robots","include":["reviews"]}""", "include")]
    public async Task Post_BadInput_400NamingTheField(string json, string field)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", fixture.AppKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task Post_HugeQueryOrNotJson_400()
    {
        string huge = new('a', 100_000);
        var (big, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", fixture.AppKey, $$"""{"query":"{{huge}}"}""");
        var (broken, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", fixture.AppKey, """{"query":""");

        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Equal("query", body!["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    private static string[] Ids(JsonNode response) => [.. response["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];

    private Task<JsonNode> OkAsync(string key, string json) => SearchCatalogue.SearchAsync(fixture.Gateway, key, json);

    private Task<JsonNode> SearchReadyAsync(string key, string json) => SearchCatalogue.ReadyAsync(fixture.Gateway, key, json);
}
