using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>Two replicas over one PostgreSQL schema and one model repository behave as one service.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class TwoReplicaTests(ReplicaTopology topology)
{
    /// <summary>
    /// Read-your-writes across replicas (issue #18): each of 20 events posted one by one to the writer changes the very
    /// next recommendation on the reader, asked at once, no retry, with the session token the writer answered. The
    /// reader has the user's history cached all along, so without the token it could answer from the cache before its
    /// NOTIFY arrives.
    /// </summary>
    [Fact]
    public async Task Recommend_WithSessionTokenOfEventPostedThroughOtherReplica_VeryNextAnswerHoldsTheEvent()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var writer = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var reader = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        using var balanced = new HttpClient { BaseAddress = topology.LoadBalancer };
        string user = "deploy-user-" + Guid.NewGuid().ToString("N")[..8];

        // The reader serves this user first (its change feed connects on first use), so its history cache now holds
        // an empty history.
        for (int i = 0; i < 5; i++)
        {
            var cold = await RecommendAsync(reader, user, null, ct);
            Assert.Equal(0, cold["historySize"]!.GetValue<int>());
            await Task.Delay(50, ct);
        }

        string[] items = [.. Enumerable.Range(1, 20).Select(n => $"movie-{5 * n:000}")];
        for (int n = 1; n <= items.Length; n++)
        {
            string events = new JsonObject { ["events"] = new JsonArray(Event(user, items[n - 1], n == 2 ? "like" : "play")) }.ToJsonString();
            using var posted = await writer.PostAsync("/v1/events", new StringContent(events, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            string token = Assert.Single(posted.Headers.GetValues("MaaS-Session-Token"));
            var answer = await posted.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.Equal(token, answer!["sessionToken"]!.GetValue<string>());

            var next = await RecommendAsync(reader, user, token, ct);

            Assert.Equal(n, next["historySize"]!.GetValue<int>());
            var ids = next["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()).ToList();
            Assert.NotEmpty(ids);
            Assert.Equal("neighbours", next["items"]![0]!["source"]!.GetValue<string>());
            Assert.DoesNotContain(items[n - 1], ids);
        }

        // Without a token the cache answers; by now the feed has reported every commit, through nginx as directly.
        var viaNginx = await RecommendAsync(balanced, user, null, ct);
        Assert.Equal(items.Length, viaNginx["historySize"]!.GetValue<int>());
    }

    [Fact]
    public async Task Recommend_MalformedSessionToken_400NamingTheHeader()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var reader = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/recommend") { Content = JsonContent.Create(new JsonObject { ["userId"] = "someone" }) };
        request.Headers.Add("MaaS-Session-Token", "not-a-token");

        using var response = await reader.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaaS-Session-Token", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelVersion_PublishedIntoSharedRepository_ServedByBothReplicas()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        string model = Path.Combine(topology.ModelsDirectory, "example-mlp");
        int version = Directory.GetDirectories(model).Select(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0).Max() + 1;

        // Published the way an operator (or `maas publish`) does: written next to the repository, then renamed in,
        // so a poll never sees a half-copied version.
        string staging = Path.Combine(Path.GetDirectoryName(topology.ModelsDirectory)!, "staging-" + version);
        ReplicaTopology.CopyDirectory(Path.Combine(model, "1"), staging);
        Directory.Move(staging, Path.Combine(model, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var outputs = new List<string>();
        foreach (var replica in topology.Replicas)
        {
            using var client = new HttpClient { BaseAddress = replica.Address };
            await WaitReadyAsync(client, $"/v2/models/example-mlp/versions/{version}/ready", TimeSpan.FromSeconds(30), ct);
            using var response = await client.PostAsync(
                $"/v2/models/example-mlp/versions/{version}/infer",
                new StringContent(InferBody, Encoding.UTF8, "application/json"), ct);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{replica.Address}: {(int)response.StatusCode} {body}");
            Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), body!["model_version"]!.GetValue<string>());
            outputs.Add(body["outputs"]!.ToJsonString());
        }

        // One immutable file, two sessions: the same answer from each replica.
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public async Task PutItems_OnOneReplica_TheOtherServesThemAndTheirContent_ByNotification()
    {
        // The reader has had the default tenant's catalogue in memory since it started, so only a change feed brings
        // the items into its content index before its next rebuild, and with the topology's hour-long poll only the
        // writer's NOTIFY brings it within the wait. How soon it arrives is printed (milliseconds on a quiet box); it
        // is not asserted, since CI runs every test assembly at once on two cores.
        var ct = TestContext.Current.CancellationToken;
        using var twins = await WriteTwinsAsync(ct);
        var (reader, first, twin) = (twins.Reader, twins.First, twins.Twin);

        await WithinAsync(twins.Written, reader, async () =>
        {
            using var get = await reader.GetAsync($"/v1/items/{first}", ct);
            var similar = await ItemIdsAsync(reader, $"/v1/items/{first}/similar?strategy=content&count=5", ct);
            var coldStart = await ItemIdsAsync(reader, "/v1/recommend", ct, new JsonObject { ["items"] = new JsonArray(first), ["strategy"] = "content", ["count"] = 5 });
            return (get.StatusCode == HttpStatusCode.OK && similar?.FirstOrDefault() == twin && coldStart?.FirstOrDefault() == twin,
                $"GET {(int)get.StatusCode}, similar [{Join(similar)}], cold start [{Join(coldStart)}]");
        }, ct);
    }

    [Fact]
    public async Task DeleteItem_OnOneReplica_GoneFromTheOther_ByNotification()
    {
        var ct = TestContext.Current.CancellationToken;
        using var twins = await WriteTwinsAsync(ct);
        var (writer, reader, first, twin) = (twins.Writer, twins.Reader, twins.First, twins.Twin);
        // The precondition: the twins reached the reader (the PutItems test's claim).
        await WithinAsync(twins.Written, reader, async () =>
        {
            var similar = await ItemIdsAsync(reader, $"/v1/items/{first}/similar?strategy=content&count=5", ct);
            return (similar?.FirstOrDefault() == twin, $"similar [{Join(similar)}]");
        }, ct);

        using var deleted = await writer.DeleteAsync($"/v1/items/{twin}", ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var done = System.Diagnostics.Stopwatch.StartNew();

        await WithinAsync(done, reader, async () =>
        {
            using var get = await reader.GetAsync($"/v1/items/{twin}", ct);
            using var similarOfTwin = await reader.GetAsync($"/v1/items/{twin}/similar?strategy=content", ct);
            var similar = await ItemIdsAsync(reader, $"/v1/items/{first}/similar?strategy=content&count=100", ct);
            var coldStart = await ItemIdsAsync(reader, "/v1/recommend", ct, new JsonObject { ["items"] = new JsonArray(first), ["strategy"] = "content", ["count"] = 100 });
            bool gone = get.StatusCode == HttpStatusCode.NotFound && similarOfTwin.StatusCode == HttpStatusCode.NotFound
                && similar is not null && !similar.Contains(twin) && coldStart is not null && !coldStart.Contains(twin);
            return (gone, $"GET {(int)get.StatusCode}, its similar {(int)similarOfTwin.StatusCode}, similar of the other [{Join(similar)}], cold start [{Join(coldStart)}]");
        }, ct);
    }

    /// <summary>
    /// Search as you type across replicas: the reader has its title index of the catalogue before the write (it answered
    /// a suggest call), so only following the change feed (the writer's NOTIFY, with the topology's hour-long poll)
    /// brings a title written on the other replica into its suggestions, and takes a deleted one out.
    /// </summary>
    [Fact]
    public async Task Suggest_TitleWrittenOnOneReplica_SuggestedByTheOther_AndGoneWhenDeleted()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var writer = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var reader = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        string word = "zq" + Guid.NewGuid().ToString("N")[..10];
        string id = "suggest-" + word;
        Assert.Equal([], await SuggestedAsync(reader, word, ct));

        var item = new JsonObject { ["id"] = id, ["kind"] = "movie", ["title"] = $"The {word} Affair", ["genres"] = new JsonArray("Drama") };
        using var put = await writer.PutAsync("/v1/items", new StringContent(new JsonObject { ["items"] = new JsonArray(item) }.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var written = System.Diagnostics.Stopwatch.StartNew();
        await WithinAsync(written, reader, async () =>
        {
            var ids = await SuggestedAsync(reader, word[..6], ct);
            return (ids.SequenceEqual([id]), $"suggested [{Join(ids)}]");
        }, ct);

        using var deleted = await writer.DeleteAsync($"/v1/items/{id}", ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var done = System.Diagnostics.Stopwatch.StartNew();
        await WithinAsync(done, reader, async () =>
        {
            var ids = await SuggestedAsync(reader, word, ct);
            return (ids.Count == 0, $"suggested [{Join(ids)}]");
        }, ct);
    }

    private static async Task<List<string>> SuggestedAsync(HttpClient client, string query, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/v1/search/suggest?q={Uri.EscapeDataString(query)}", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return [.. answer!["suggestions"]!.AsArray().Select(s => s!["itemId"]!.GetValue<string>())];
    }

    /// <summary>
    /// Two new items sharing content no other item has (each is the other's best content match), written through the
    /// first replica, with a client of each replica and a clock started when the write was answered.
    /// </summary>
    private async Task<Twins> WriteTwinsAsync(CancellationToken ct)
    {
        await topology.RequireAsync();
        string tag = Guid.NewGuid().ToString("N")[..10];
        var twins = new Twins(topology, $"feed-{tag}-a", $"feed-{tag}-b");
        twins.Written = await PutTwinsAsync(twins.Writer, twins.First, twins.Twin, ct);
        return twins;
    }

    private sealed class Twins(ReplicaTopology topology, string first, string twin) : IDisposable
    {
        public HttpClient Writer { get; } = new() { BaseAddress = topology.Replicas[0].Address };

        public HttpClient Reader { get; } = new() { BaseAddress = topology.Replicas[1].Address };

        public string First { get; } = first;

        public string Twin { get; } = twin;

        public System.Diagnostics.Stopwatch Written { get; set; } = new();

        public void Dispose()
        {
            Writer.Dispose();
            Reader.Dispose();
        }
    }

    /// <summary>PUTs the twins and returns a clock started when the answer arrived.</summary>
    private static async Task<System.Diagnostics.Stopwatch> PutTwinsAsync(HttpClient client, string first, string twin, CancellationToken ct)
    {
        string genre = "Feed" + first[5..15];
        var items = new JsonArray(Twin(first, genre), Twin(twin, genre));
        using var put = await client.PutAsync("/v1/items", new StringContent(new JsonObject { ["items"] = items }.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return System.Diagnostics.Stopwatch.StartNew();

        static JsonObject Twin(string id, string genre) => new()
        {
            ["id"] = id,
            ["kind"] = "game",
            ["title"] = $"Quillwork {genre}",
            ["genres"] = new JsonArray(genre),
            ["tags"] = new JsonArray(genre + "-tag"),
            ["text"] = $"An inkwell puzzle about {genre} lanterns.",
        };
    }

    /// <summary>
    /// Asks <paramref name="check"/> every 50 ms until it holds; fails when a check begun 15 s or more after
    /// <paramref name="since"/> started still finds the old state. The replicas poll the catalogue feed once an hour,
    /// so a change that arrives within the wait came by NOTIFY; the wait is long because a loaded CI box (every test
    /// assembly at once on two cores) has delayed a notified change past a second, and speed is the load scripts'
    /// business, not a test's (<see cref="Converge.WithinAsync"/>).
    /// </summary>
    private static Task WithinAsync(
        System.Diagnostics.Stopwatch since, HttpClient replica, Func<Task<(bool Holds, string State)>> check, CancellationToken ct) =>
        Converge.WithinAsync(since, TimeSpan.FromSeconds(15), $"{replica.BaseAddress}", check, ct);

    /// <summary>The item ids of a similar-items (GET) or recommend (POST <paramref name="body"/>) answer; null unless 200.</summary>
    private static async Task<List<string>?> ItemIdsAsync(HttpClient client, string path, CancellationToken ct, JsonObject? body = null)
    {
        using var response = body is null ? await client.GetAsync(path, ct) : await client.PostAsJsonAsync(path, body, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return [.. answer!["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];
    }

    private static string Join(List<string>? ids) => ids is null ? "not 200" : string.Join(", ", ids);

    internal const string InferBody = """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,8],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}""";

    private static JsonObject Event(string user, string item, string type) => new()
    {
        ["eventId"] = "deploy-" + Guid.NewGuid().ToString("N"),
        ["userId"] = user,
        ["itemId"] = item,
        ["type"] = type,
    };

    /// <summary>
    /// The attribution report sums the replicas: answers given by each replica reach the one store, and either replica
    /// reports all of them (each adds its counts; neither overwrites the other's). The baseline is taken once earlier
    /// tests' counts are flushed (the replicas flush every 0.2 s here): when both replicas report the same total twice,
    /// a second apart. A single read after a fixed second could miss a flush that a loaded box delayed, and the test
    /// then counted an earlier test's answer as its own.
    /// </summary>
    [Fact]
    public async Task AttributionReport_AnswersOfBothReplicas_SumInEitherReplicasReport()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var first = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var second = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        var now = DateTimeOffset.UtcNow;
        string range = $"/v1/recommendations/attribution?from={now.AddHours(-2):yyyy-MM-ddTHH:mm:ssZ}&to={now.AddHours(2):yyyy-MM-ddTHH:mm:ssZ}";
        long before = await SettledAnswersAsync(first, second, range, ct);

        for (int i = 0; i < 5; i++)
        {
            await RecommendAsync(i < 3 ? first : second, "attribution-user", null, ct);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        long answers;
        int turn = 0;
        while ((answers = await AnswersAsync(turn++ % 2 == 0 ? first : second, range, ct)) < before + 5 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, ct);
        }

        Assert.Equal(before + 5, answers);
        await Task.Delay(1000, ct);
        Assert.Equal((before + 5, before + 5), (await AnswersAsync(first, range, ct), await AnswersAsync(second, range, ct)));
    }

    /// <summary>The total both replicas report twice in a row, a second (five flushes) apart; fails after a minute without one.</summary>
    private static async Task<long> SettledAnswersAsync(HttpClient first, HttpClient second, string path, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seen = new List<(long, long)>();
        (long, long) previous = (-1, -2);
        while (true)
        {
            var now = (await AnswersAsync(first, path, ct), await AnswersAsync(second, path, ct));
            seen.Add(now);
            if (now.Item1 == now.Item2 && now == previous)
            {
                return now.Item1;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the replicas' answer counts did not settle within a minute: {string.Join(", ", seen)}");
            previous = now;
            await Task.Delay(1000, ct);
        }
    }

    private static async Task<long> AnswersAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}: {(int)response.StatusCode} {body}");
        return body!["totals"]!["answers"]!.GetValue<long>();
    }

    private static async Task<JsonObject> RecommendAsync(HttpClient client, string user, string? sessionToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/recommend") { Content = JsonContent.Create(new JsonObject { ["userId"] = user, ["count"] = 10 }) };
        if (sessionToken is not null)
        {
            request.Headers.Add("MaaS-Session-Token", sessionToken);
        }

        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}: {(int)response.StatusCode} {body}");
        return body!;
    }

    private static async Task WaitReadyAsync(HttpClient client, string path, TimeSpan timeout, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode last = 0;
        while (clock.Elapsed < timeout)
        {
            using var response = await client.GetAsync(path, ct);
            last = response.StatusCode;
            if (last == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(200, ct);
        }

        Assert.Fail($"{client.BaseAddress}{path.TrimStart('/')} still {(int)last} after {timeout.TotalSeconds:0} s");
    }
}
