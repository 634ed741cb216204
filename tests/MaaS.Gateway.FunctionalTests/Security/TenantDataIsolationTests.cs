namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// One tenant's events, catalogue and users are invisible to another: the recommendation endpoints take the tenant
/// from the key, so the same ids in two tenants are two different things.
/// </summary>
public sealed class TenantDataIsolationTests
{
    private static string Items(params string[] ids) => new JsonObject
    {
        ["items"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["kind"] = "movie", ["title"] = "Title " + id, ["genres"] = new JsonArray("Drama") })]),
    }.ToJsonString();

    private static string Events(string user, params string[] items) => new JsonObject
    {
        ["events"] = new JsonArray([.. items.Select((item, i) => (JsonNode)new JsonObject
        {
            ["eventId"] = $"{user}-{item}-{i}", ["userId"] = user, ["itemId"] = item, ["type"] = "play",
        })]),
    }.ToJsonString();

    [Fact]
    public async Task Catalogue_ItemOfTenantA_404ForTenantB()
    {
        await using var gateway = SecureGateway.Start();
        string a = await gateway.CreateKeyAsync("acme", ["app"]);
        string b = await gateway.CreateKeyAsync("globex", ["app"]);

        using var put = await gateway.SendAsync(HttpMethod.Put, "/v1/items", a, Items("secret-movie", "other-movie"));
        using var mine = await gateway.SendAsync(HttpMethod.Get, "/v1/items/secret-movie", a);
        var (theirs, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/secret-movie", b);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.DoesNotContain("Title secret-movie", body?.ToJsonString() ?? string.Empty);
    }

    [Fact]
    public async Task ContentSimilar_ItemsOfTenantA_NeverNeighboursInTenantB()
    {
        await using var gateway = SecureGateway.Start();
        string a = await gateway.CreateKeyAsync("acme", ["app"]);
        string b = await gateway.CreateKeyAsync("globex", ["app"]);
        using (await gateway.SendAsync(HttpMethod.Put, "/v1/items", a, Items("acme-1", "acme-2")))
        using (await gateway.SendAsync(HttpMethod.Put, "/v1/items", b, Items("globex-1", "globex-2")))
        {
        }

        var (mine, fromA) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/acme-1/similar?strategy=content", a);
        var (theirs, fromB) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/globex-1/similar?strategy=content", b);
        var (foreign, _) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/acme-1/similar?strategy=content", b);

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(["acme-2"], fromA!["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        Assert.Equal(["globex-2"], fromB!["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Catalogue_SameIdInTwoTenants_EachKeepsItsOwn()
    {
        await using var gateway = SecureGateway.Start();
        string a = await gateway.CreateKeyAsync("acme", ["app"]);
        string b = await gateway.CreateKeyAsync("globex", ["app"]);
        using (await gateway.SendAsync(HttpMethod.Put, "/v1/items", a, Items("m1")))
        {
        }

        using var overwrite = await gateway.SendAsync(HttpMethod.Put, "/v1/items", b,
            """{"items":[{"id":"m1","kind":"song","title":"Globex song","genres":["Pop"]}]}""");
        var (_, fromA) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/m1", a);
        var (_, fromB) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/items/m1", b);

        Assert.Equal(HttpStatusCode.OK, overwrite.StatusCode);
        Assert.Equal("Title m1", fromA!["title"]!.GetValue<string>());
        Assert.Equal("Globex song", fromB!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_UserOfTenantA_InvisibleAndUnerasableFromTenantB()
    {
        await using var gateway = SecureGateway.Start();
        string a = await gateway.CreateKeyAsync("acme", ["app"]);
        string b = await gateway.CreateKeyAsync("globex", ["app"]);
        using (await gateway.SendAsync(HttpMethod.Put, "/v1/items", a, Items("i1", "i2", "i3")))
        {
        }

        using var appended = await gateway.SendAsync(HttpMethod.Post, "/v1/events", a, Events("alice", "i1", "i2", "i3"));
        var (_, seenByB) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/users/alice/analysis", b);
        using var erasedByB = await gateway.SendAsync(HttpMethod.Delete, "/v1/users/alice", b);
        var (_, seenByA) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/users/alice/analysis", a);
        var (_, recommendB) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommend", b, """{"userId":"alice","count":5}""");

        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        Assert.Equal(0, seenByB!["events"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NoContent, erasedByB.StatusCode);
        Assert.Equal(3, seenByA!["events"]!.GetValue<int>());
        Assert.Equal(0, recommendB?["historySize"]?.GetValue<int>() ?? 0);
        Assert.DoesNotContain("i1", recommendB?.ToJsonString() ?? string.Empty);
    }

    [Fact]
    public async Task Events_SameEventIdInTwoTenants_BothStored()
    {
        await using var gateway = SecureGateway.Start();
        string a = await gateway.CreateKeyAsync("acme", ["app"]);
        string b = await gateway.CreateKeyAsync("globex", ["app"]);

        var (_, first) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/events", a, Events("u", "x"));
        var (_, second) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/events", b, Events("u", "x"));

        Assert.Equal(1, first!["accepted"]!.GetValue<int>());
        Assert.Equal(1, second!["accepted"]!.GetValue<int>());
    }
}
