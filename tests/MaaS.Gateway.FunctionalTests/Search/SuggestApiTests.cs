namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>
/// <c>GET /v1/search/suggest</c> on a real gateway: prefixes and typos with highlights, every bad parameter a 400
/// naming it, tenants kept apart, a write, a rename or a delete seen by the very next call, and the view's ETag: a
/// 304 while it holds.
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

    [Fact]
    public async Task Suggest_IfNoneMatchOfTheView_304WithoutBody_UntilAWriteChangesTheTag()
    {
        await using var gateway = SecureGateway.Start();
        string key = await SearchCatalogue.PutAsync(gateway, "acme");

        using var first = await GetAsync(gateway, key, "kit", null);
        string tag = first.Headers.ETag!.ToString();
        using var again = await GetAsync(gateway, key, "kitchen%20d", tag);
        using var weak = await GetAsync(gateway, key, "kit", "W/" + tag);
        using var any = await GetAsync(gateway, key, "kit", "*");
        using var other = await GetAsync(gateway, key, "kit", "\"something-else\"");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("\"", tag, StringComparison.Ordinal);
        Assert.False(first.Headers.ETag.IsWeak);
        AssertCacheControl(first);
        Assert.Contains("X-Api-Key", first.Headers.Vary);
        foreach (var notModified in new[] { again, weak, any })
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(tag, notModified.Headers.ETag!.ToString());
            AssertCacheControl(notModified);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(tag, other.Headers.ETag!.ToString());

        // A write makes a new view: the old tag is answered in full, with the new title and a new tag.
        await PutAsync(gateway, key, """{"items":[{"id":"nightmares","kind":"movie","title":"Kitchen Nightmares","genres":["Reality"]}]}""");
        using var after = await GetAsync(gateway, key, "kit", tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(tag, after.Headers.ETag!.ToString());
        Assert.Contains("nightmares", await after.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        // Another tenant's view has a tag of its own.
        string globex = await gateway.CreateKeyAsync("globex", ["app"]);
        using var theirs = await GetAsync(gateway, globex, "kit", after.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
    }

    /// <summary>private, max-age=5 (HttpClient's typed header orders the directives its own way).</summary>
    private static void AssertCacheControl(HttpResponseMessage response)
    {
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private && cache.MaxAge == TimeSpan.FromSeconds(5) && !cache.Public && !cache.NoStore, cache.ToString());
    }

    private static async Task<HttpResponseMessage> GetAsync(SecureGateway gateway, string key, string query, string? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/search/suggest?q=" + query);
        SecureGateway.Authorize(request, key, apiKeyHeader: false);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
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
