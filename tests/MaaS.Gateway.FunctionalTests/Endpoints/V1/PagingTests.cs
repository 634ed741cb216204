using MaaS.Gateway.FunctionalTests.Agents;
using MaaS.Services.Recommendations.Index;

namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

/// <summary>
/// One gateway with every list seeded (jobs stay queued: the lists are what is tested, not the runs): five items, five
/// keys of tenant "paging", three agents, three trainings, three rebuilds, four bundled models and a published one
/// shared with three tenants.
/// </summary>
public sealed class PagingFixture : IAsyncLifetime
{
    private const string Key = SecureGateway.BootstrapKey;
    // Three rows of each label, enough for three folds; the jobs stay queued, so the words do not matter.
    private static readonly string TrainingBody = "{\"model\":\"reviews\",\"settings\":{\"folds\":3},\"rows\":[" +
        string.Join(',', Enumerable.Range(0, 6).Select(i => $"{{\"text\":\"review {i} of the paging tests\",\"label\":\"{(i % 2 == 0 ? "good" : "bad")}\"}}")) + "]}";

    private SecureGateway _gateway = null!;

    public SecureGateway Gateway => _gateway;

    /// <summary>Each list by name: its first page's URL (limit=2) and the ids of its items in the order the list promises.</summary>
    public Dictionary<string, (string Path, List<string> Ids)> Lists { get; } = [];

    public async ValueTask InitializeAsync()
    {
        // Jobs stay queued: the lists are what is tested, not the runs.
        _gateway = SecureGateway.Start(
            r => r.WithExampleMlp().WithMixedTypes().WithBoolInt32().WithStrings(),
            new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" });
        string[] items = ["i-05", "i-01", "i-04", "i-02", "i-03"];
        await SendOkAsync(HttpMethod.Put, "/v1/items", $$"""{"items":[{{string.Join(',', items.Select(id => $$"""{"id":"{{id}}","kind":"movie","title":"T {{id}}"}"""))}}]}""");
        Lists["items"] = ("/v1/items?limit=2", [.. items.Order(StringComparer.Ordinal)]);

        var storage = _gateway.Host.Services.GetRequiredService<IStorage>();
        var keys = new List<ApiKeyRecord>();
        for (int i = 0; i < 5; i++)
        {
            var created = await SendOkAsync(HttpMethod.Post, "/v1/keys", $$"""{"name":"k{{i}}","tenant":"paging"}""");
            keys.Add((await storage.Keys.FindAsync(created["details"]!["id"]!.GetValue<string>(), TestContext.Current.CancellationToken)).Value);
        }
        // Keys created in the same millisecond come by id: the order is the stored times', not the order of creation.
        Lists["keys"] = ("/v1/keys?tenant=paging&limit=2", [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).Select(k => k.KeyId)]);

        string[] agents = ["orc", "boss", "npc"];
        foreach (string agent in agents)
        {
            await SendOkAsync(HttpMethod.Put, $"/v1/agents/{agent}", AgentsApiTests.Definition);
        }
        Lists["agents"] = ("/v1/agents?limit=2", [.. agents.Order(StringComparer.Ordinal)]);

        var jobs = storage.Jobs;
        var trainings = new List<JobRecord>();
        for (int i = 0; i < 3; i++)
        {
            string id = (await SendOkAsync(HttpMethod.Post, "/v1/trainings", TrainingBody))["id"]!.GetValue<string>();
            trainings.Add((await jobs.GetAsync("default", id, TestContext.Current.CancellationToken)).Value);
        }
        Lists["trainings"] = ("/v1/trainings?limit=2", NewestFirst(trainings));

        // Queued durably, as the schedule queues them (an admin's request needs events to build from).
        var rebuilds = new List<JobRecord>();
        for (int i = 0; i < 3; i++)
        {
            var job = new NewJob(Guid.NewGuid().ToString("N"), "default", "index-rebuild", """{"trigger":"schedule"}""", new string('0', 64));
            rebuilds.Add((await jobs.CreateAsync(job, ReadOnlyMemory<byte>.Empty, TestContext.Current.CancellationToken)).Value);
        }
        // The first-start build this gateway ran lives in memory only: the list merges it by the same order.
        var started = _gateway.Host.Services.GetRequiredService<RebuildJobs>().Recent("default");
        Assert.True(started.All(j => j.Trigger == "start"), string.Join(", ", started.Select(j => j.Trigger)));
        Lists["rebuilds"] = ("/v1/recommendations/rebuilds?limit=2", [.. rebuilds.Select(j => (j.CreatedAt, j.Id)).Concat(started.Select(j => (j.CreatedAt, j.Id)))
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal).Select(j => j.Id)]);

        Lists["models"] = ("/v1/models?limit=2", ["echo", "example-mlp", "flags", "mixed"]);

        var (published, body) = await _gateway.PublishAsync(Key, ExampleMlp.BuildOnnx(), SecureGateway.MlpCard("shared", "tenant"));
        Assert.True(published.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
        string[] grantees = ["globex", "acme", "initech"];
        foreach (string grantee in grantees)
        {
            await SendOkAsync(HttpMethod.Post, "/v1/models/default.shared/shares", $$"""{"tenant":"{{grantee}}"}""");
        }
        Lists["shares"] = ("/v1/models/default.shared/shares?limit=2", [.. grantees.Order(StringComparer.Ordinal)]);
        Lists["models"].Ids.Add("default.shared");
        Lists["models"].Ids.Sort(StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    // Jobs of one millisecond (SQLite's step) come by id, descending.
    private static List<string> NewestFirst(List<JobRecord> jobs) =>
        [.. jobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal).Select(j => j.Id)];

    private async Task<JsonNode> SendOkAsync(HttpMethod method, string path, string? json)
    {
        var (response, body) = await _gateway.SendJsonAsync(method, path, Key, json);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body!;
    }
}

/// <summary>
/// Every /v1 list over real HTTP holds to one paging contract: <c>limit</c> (default 20, 1..100; anything else a 400
/// naming it), <c>after</c> (the id of the last item seen; one that names nothing in the list is a 400, not an empty
/// page), a stable order, and <c>Link: &lt;…&gt;; rel="next"</c> while more items follow, so that following the links
/// reads each item exactly once, in order, with the request's other parameters kept.
/// </summary>
public sealed class PagingTests(PagingFixture fixture) : IClassFixture<PagingFixture>
{
    private const string Key = SecureGateway.BootstrapKey;

    /// <summary>The lists, by name.</summary>
    public static TheoryData<string> Lists => new(["items", "keys", "agents", "trainings", "rebuilds", "models", "shares"]);

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task FollowingNextLinks_ReadsEveryItemOnceInOrderKeepingTheQuery(string list)
    {
        var (path, expected) = fixture.Lists[list];
        var read = new List<string>();
        var links = new List<string>();
        string? next = path;
        while (next is not null && links.Count < 10)
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, next, Key);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {next}: {(int)response.StatusCode} {body?.ToJsonString()}");
            var ids = Ids(list, body!);
            Assert.True(ids.Count <= 2, $"GET {next}: {ids.Count} items over limit=2");
            read.AddRange(ids);
            next = Next(response);
            if (next is not null)
            {
                links.Add(next);
            }
        }

        Assert.Equal(expected, read);
        Assert.Equal((expected.Count - 1) / 2, links.Count);
        // The next URL is this list's own, with its other parameters kept and after set to the last id read.
        Assert.All(links, link => Assert.StartsWith(path + "&after=", link, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task NoLimit_TheDefaultPageHoldsEveryItemAndNoLink(string list)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, Bare(list), Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.Lists[list].Ids, Ids(list, body!));
        Assert.False(response.Headers.Contains("Link"), response.Headers.ToString());
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task LimitOutOfBoundsOrNotANumber_400NamingLimit(string list)
    {
        string bare = Bare(list);
        string separator = bare.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        foreach (string limit in new[] { "0", "101", "-1", "abc" })
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, $"{bare}{separator}limit={limit}", Key);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{list} limit={limit}: {(int)response.StatusCode} {body?.ToJsonString()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("limit", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task AfterNamingNothingInTheList_400NamingAfterNotAnEmptyPage(string list)
    {
        // A well-formed id of nothing, and (for every list but the models) one of the list's own shape from elsewhere.
        string path = fixture.Lists[list].Path;
        foreach (string after in new[] { "0123456789abcdef0123456789abcdef", "zz-nothing", "" })
        {
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, $"{path}&after={Uri.EscapeDataString(after)}", Key);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{list} after='{after}': {(int)response.StatusCode} {body?.ToJsonString()}");
            Assert.Equal("after", body!["errors"]![0]!["field"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Keys_AfterAKeyOfAnotherTenant_400()
    {
        var (created, key) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", Key, """{"name":"elsewhere","tenant":"other"}""");

        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, $"/v1/keys?tenant=paging&after={key!["details"]!["id"]}", Key);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body?.ToJsonString());
        Assert.Equal("after", body!["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Items_DeletedAndAddedBetweenPages_TheNextPageGoesOnFromWhereTheLastEnded()
    {
        // A tenant of its own: the other tests read the fixture's catalogue.
        string app = await fixture.Gateway.CreateKeyAsync("moving", ["app"]);
        var (put, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", app,
            """{"items":[{"id":"a","kind":"movie","title":"A"},{"id":"b","kind":"movie","title":"B"},{"id":"c","kind":"movie","title":"C"},{"id":"d","kind":"movie","title":"D"}]}""");
        var (first, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/items?limit=2", app);
        using var deleted = await fixture.Gateway.SendAsync(HttpMethod.Delete, "/v1/items/c", app);
        var (added, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", app, """{"items":[{"id":"bb","kind":"song","title":"BB"}]}""");

        var (second, rest) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, Next(first)!, app);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.OK), (put.StatusCode, deleted.StatusCode, added.StatusCode));
        Assert.Equal(["a", "b"], Ids("items", body!));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(["bb", "d"], Ids("items", rest!));
        Assert.Null(Next(second));
    }

    /// <summary>The list's URL without limit (its other parameters kept).</summary>
    private string Bare(string list) =>
        fixture.Lists[list].Path.Replace("?limit=2", "", StringComparison.Ordinal).Replace("&limit=2", "", StringComparison.Ordinal);

    private static List<string> Ids(string list, JsonNode body) => list switch
    {
        "models" or "agents" => [.. body.AsArray().Select(m => m!["name"]!.GetValue<string>())],
        "shares" => [.. body.AsArray().Select(s => s!["tenant"]!.GetValue<string>())],
        _ => [.. body.AsArray().Select(i => i!["id"]!.GetValue<string>())],
    };

    /// <summary>The URL of the Link header's rel="next", or null.</summary>
    private static string? Next(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        var link = Assert.Single(values);
        Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
