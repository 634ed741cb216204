namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>The small catalogue the search tests PUT, and a wait for its background embeddings.</summary>
internal static class SearchCatalogue
{
    public const int Count = 5;

    // The sci-fi item shares no word with "space adventure with robots": only its meaning can find it.
    public const string Json = """
        {"items":[
          {"id":"scifi","kind":"movie","title":"Star Voyagers","genres":["Science Fiction"],"text":"Androids crew a starship across distant galaxies."},
          {"id":"cooking","kind":"movie","title":"Kitchen Duel","genres":["Reality"],"tags":["food"],"text":"Two chefs compete to bake the perfect soufflé."},
          {"id":"romance","kind":"movie","title":"Paris in Spring","genres":["Romance"],"text":"A baker falls in love on the banks of the Seine."},
          {"id":"bees","kind":"movie","title":"The Hive","genres":["Documentary"],"text":"A year inside a colony of honeybees."},
          {"id":"song","kind":"song","title":"Soufflé Blues","genres":["Jazz"],"text":"A slow tune about dessert."}
        ]}
        """;

    /// <summary>Makes an app key of <paramref name="tenant"/> and PUTs the catalogue with it; returns the key.</summary>
    public static async Task<string> PutAsync(SecureGateway gateway, string tenant)
    {
        string key = await gateway.CreateKeyAsync(tenant, ["app"]);
        var (put, body) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key, Json);
        Assert.True(put.IsSuccessStatusCode, body?.ToJsonString());
        return key;
    }

    public static async Task<JsonNode> SearchAsync(SecureGateway gateway, string key, string json)
    {
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", key, json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{json}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>Searches until no item is pending (items are embedded in the background after the PUT), at most 30 s.</summary>
    public static async Task<JsonNode> ReadyAsync(SecureGateway gateway, string key, string json)
    {
        for (int attempt = 0; ; attempt++)
        {
            var body = await SearchAsync(gateway, key, json);
            if (body["pending"]!.GetValue<int>() == 0 || attempt == 300)
            {
                Assert.Equal(0, body["pending"]!.GetValue<int>());
                return body;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
