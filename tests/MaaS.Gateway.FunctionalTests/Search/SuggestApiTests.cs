namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>
/// <c>GET /v1/search/suggest</c> on a real gateway: prefixes and typos with highlights, every bad parameter a 400
/// naming it, tenants kept apart, and a write, a rename or a delete seen by the very next call.
/// </summary>
public sealed class SuggestApiTests
{
    [Fact]
    public async Task Suggest_TypoAndPrefix_AnswersTheTitleWithItsSpans()
    {
        await using var gateway = SecureGateway.Start();
        string key = await SearchCatalogue.PutAsync(gateway, "acme");

        var body = await SuggestAsync(gateway, key, "kitchn%20d");

        Assert.Equal("kitchn d", body["query"]!.GetValue<string>());
        var first = body["suggestions"]![0]!;
        Assert.Equal("cooking", first["itemId"]!.GetValue<string>());
        Assert.Equal("Kitchen Duel", first["title"]!.GetValue<string>());
        Assert.Equal("movie", first["kind"]!.GetValue<string>());
        Assert.Equal(1f / 2.5f, first["score"]!.GetValue<float>());
        Assert.Equal("[[0,7],[8,1]]", first["highlight"]!.ToJsonString());
        Assert.Single(body["suggestions"]!.AsArray());
    }

    [Fact]
    public async Task Suggest_KindAndCount_Restrict()
    {
        await using var gateway = SecureGateway.Start();
        string key = await SearchCatalogue.PutAsync(gateway, "acme");

        var any = await SuggestAsync(gateway, key, "souf");
        var song = await SuggestAsync(gateway, key, "souf&kind=song");
        var one = await SuggestAsync(gateway, key, "the&count=1");

        Assert.Equal(["song"], Ids(any));
        Assert.Equal(["song"], Ids(song));
        Assert.Empty(Ids(await SuggestAsync(gateway, key, "souf&kind=game")));
        Assert.Equal(["bees"], Ids(one));
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("?q=", "q")]
    [InlineData("?q=%20%20", "q")]
    [InlineData("?count=3", "q")]
    [InlineData("?q=a&count=0", "count")]
    [InlineData("?q=a&count=21", "count")]
    [InlineData("?q=a&count=many", "count")]
    [InlineData("?q=a&kind=book", "kind")]
    [InlineData("?q=a&limit=3", "limit")]
    public async Task Suggest_BadParameter_400NamingIt(string query, string parameter)
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/search/suggest" + query, key);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body?.ToJsonString()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string detail = body!["detail"]!.GetValue<string>();
        Assert.True(
            detail.Contains($"'{parameter}'", StringComparison.Ordinal) || body["errors"]?.AsArray().Any(e => e!["field"]!.GetValue<string>() == parameter) == true,
            $"{query}: {body.ToJsonString()}");
    }

    [Fact]
    public async Task Suggest_QueryOf101Characters_400()
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/search/suggest?q=" + new string('a', 101), key);
        var (fits, _) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/search/suggest?q=" + new string('a', 100), key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("q", body!["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Suggest_OtherTenant_FindsNothing()
    {
        await using var gateway = SecureGateway.Start();
        string acme = await SearchCatalogue.PutAsync(gateway, "acme");
        string other = await gateway.CreateKeyAsync("globex", ["app"]);

        Assert.Equal(["cooking"], Ids(await SuggestAsync(gateway, acme, "kitchen")));
        Assert.Empty(Ids(await SuggestAsync(gateway, other, "kitchen")));
    }

    [Fact]
    public async Task Suggest_AfterWriteRenameAndDelete_NextCallSeesEach()
    {
        await using var gateway = SecureGateway.Start();
        string key = await SearchCatalogue.PutAsync(gateway, "acme");
        Assert.Equal(["cooking"], Ids(await SuggestAsync(gateway, key, "kitchen")));

        await PutAsync(gateway, key, """{"items":[{"id":"nightmares","kind":"movie","title":"Kitchen Nightmares","genres":["Reality"]}]}""");
        Assert.Equal(["cooking", "nightmares"], Ids(await SuggestAsync(gateway, key, "kitchen")));
        Assert.Equal(["nightmares"], Ids(await SuggestAsync(gateway, key, "kitchen nightm")));

        await PutAsync(gateway, key, """{"items":[{"id":"cooking","kind":"movie","title":"Bake Off Duel","genres":["Reality"]}]}""");
        Assert.Equal(["nightmares"], Ids(await SuggestAsync(gateway, key, "kitchen")));
        Assert.Equal(["cooking"], Ids(await SuggestAsync(gateway, key, "bake")));

        using var deleted = await gateway.SendAsync(HttpMethod.Delete, "/v1/items/nightmares", key);
        Assert.True(deleted.IsSuccessStatusCode, $"{(int)deleted.StatusCode}");
        Assert.Empty(Ids(await SuggestAsync(gateway, key, "kitchen")));
        Assert.Equal(["cooking"], Ids(await SuggestAsync(gateway, key, "bake")));
    }

    private static async Task PutAsync(SecureGateway gateway, string key, string json)
    {
        var (put, body) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key, json);
        Assert.True(put.IsSuccessStatusCode, body?.ToJsonString());
    }

    private static async Task<JsonNode> SuggestAsync(SecureGateway gateway, string key, string query)
    {
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/search/suggest?q=" + query, key);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }

    private static List<string> Ids(JsonNode body) => [.. body["suggestions"]!.AsArray().Select(s => s!["itemId"]!.GetValue<string>())];
}
