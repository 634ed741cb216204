namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>Item embeddings join the content index once computed: "more like this" then follows meaning, not shared words.</summary>
public sealed class ContentEmbeddingsTests(EmbeddingsGateway fixture) : IClassFixture<EmbeddingsGateway>
{
    // "robots" means what "scifi" means without a word in common; "bakers" shares "crew" and "across" with it.
    private const string Catalogue = """
        {"items":[
          {"id":"scifi","kind":"movie","title":"Star Voyagers","text":"Androids crew a starship across distant galaxies."},
          {"id":"robots","kind":"movie","title":"Metal Minds","text":"Robots explore outer space in a rocket."},
          {"id":"bakers","kind":"movie","title":"Dough","text":"A crew of bakers travels across the country."},
          {"id":"bees","kind":"movie","title":"The Hive","text":"A year inside a colony of honeybees."}
        ]}
        """;

    [Fact]
    public async Task SimilarItems_ItemsEmbedded_ContentNeighbourIsTheOneAlikeInMeaning()
    {
        string key = await fixture.Gateway.CreateKeyAsync("contentembeddings", ["app"]);
        var (put, putBody) = await fixture.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key, Catalogue);
        Assert.True(put.IsSuccessStatusCode, putBody?.ToJsonString());
        var before = await SimilarAsync(key);

        await SearchCatalogue.ReadyAsync(fixture.Gateway, key, """{"query":"space","mode":"semantic"}""");
        JsonNode after = before;
        for (int attempt = 0; attempt < 100 && First(after) != "robots"; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            after = await SimilarAsync(key);
        }

        // Before the background embedding ends, words alone decide (unless it was already that fast).
        Assert.Contains(First(before), new[] { "bakers", "robots" });
        Assert.Equal("robots", First(after));
        Assert.Equal("content", after["items"]![0]!["source"]!.GetValue<string>());
    }

    private static string First(JsonNode similar) => similar["items"]![0]!["itemId"]!.GetValue<string>();

    private async Task<JsonNode> SimilarAsync(string key)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/scifi/similar?count=3&strategy=content", key, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }
}
