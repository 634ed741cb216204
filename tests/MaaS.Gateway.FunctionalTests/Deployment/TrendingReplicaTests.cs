using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// Trending is one list for every replica: it is counted from the shared event log, so events posted only to the first
/// replica make the second's trending row and its <c>/v1/recommend</c> trending fill the same as the first's within
/// seconds, a restarted replica trends at once, and an erased user's events leave trending on both.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class TrendingReplicaTests(ReplicaTopology topology)
{
    /// <summary>
    /// How long a replica may take: the follower reads within a poll (1 s) or sooner when notified; the margin is for a
    /// loaded CI box. How long it took is printed.
    /// </summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Trending_EventsPostedToOneReplica_OtherAgreesRestartedAgreesAtOnceErasedUserDropsOut()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var first = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var second = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        string tag = Guid.NewGuid().ToString("N")[..10];
        // A genre of its own, so the rows and the fill hold this test's items only, whatever else trends.
        string genre = "Trend" + tag;
        string hot = $"trend-{tag}-hot", warm = $"trend-{tag}-warm", fan = $"trend-{tag}-fan";
        var items = new JsonArray(Item(hot, genre), Item(warm, genre));
        using (var put = await first.PutAsync("/v1/items", new StringContent(new JsonObject { ["items"] = items }.ToJsonString(), Encoding.UTF8, "application/json"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // hot: 30 plays by one fan (erased below); warm: 20 plays by 20 users. Posted to the first replica only.
        await PostEventsAsync(first, [.. Enumerable.Range(0, 30).Select(_ => (fan, hot)), .. Enumerable.Range(0, 20).Select(i => ($"trend-{tag}-u{i}", warm))], ct);
        var posted = Stopwatch.StartNew();
        (string, float)[] expected = [(hot, 30), (warm, 20)];

        // The posting replica follows the log too (woken by its own post, about a second behind at most): neither is
        // instant, so both are waited for.
        await BothAsync(posted, "trending row and fill", expected);

        // A restarted replica counts the window before its first answer: no wait.
        topology.Replicas[1].Kill();
        await topology.EnsureRunningAsync();
        Assert.Equal(expected, await TrendingRowAsync(second, genre, ct));
        Assert.Equal(expected, await TrendingFillAsync(second, genre, ct));

        using (var erased = await first.DeleteAsync($"/v1/users/{fan}", ct))
        {
            Assert.True(erased.IsSuccessStatusCode, $"erase: {(int)erased.StatusCode}");
        }

        await BothAsync(Stopwatch.StartNew(), "trending without the erased user", [(warm, 20)]);

        async Task BothAsync(Stopwatch since, string what, (string, float)[] want)
        {
            foreach (var (name, replica) in new[] { ("the first replica", first), ("the second replica", second) })
            {
                await Converge.WithinAsync(since, Within, $"{name}'s {what}", async () =>
                {
                    var (row, fill) = (await TrendingRowAsync(replica, genre, ct), await TrendingFillAsync(replica, genre, ct));
                    return (row.SequenceEqual(want) && fill.SequenceEqual(want), $"row [{Join(row)}], fill [{Join(fill)}]");
                }, ct);
            }
        }
    }

    private static JsonObject Item(string id, string genre) => new()
    {
        ["id"] = id,
        ["kind"] = "game",
        ["title"] = $"Trending {id}",
        ["genres"] = new JsonArray(genre),
    };

    private static async Task PostEventsAsync(HttpClient client, IEnumerable<(string User, string Item)> events, CancellationToken ct)
    {
        var batch = new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
        {
            ["eventId"] = "trend-" + Guid.NewGuid().ToString("N"),
            ["userId"] = e.User,
            ["itemId"] = e.Item,
            ["type"] = "play",
        })]);
        using var posted = await client.PostAsync("/v1/events", new StringContent(new JsonObject { ["events"] = batch }.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    /// <summary>The trending row of a page for a cold user, filtered to the test's genre: (item, events in the window).</summary>
    private static async Task<List<(string, float)>> TrendingRowAsync(HttpClient client, string genre, CancellationToken ct)
    {
        var body = await PostAsync(client, "/v1/recommend/rows", new JsonObject
        {
            ["userId"] = "trend-cold-" + Guid.NewGuid().ToString("N")[..8],
            ["rows"] = new JsonArray(new JsonObject { ["kind"] = "trending", ["count"] = 5, ["filters"] = new JsonObject { ["genres"] = new JsonArray(genre) } }),
        }, ct);
        var row = body["rows"]!.AsArray().FirstOrDefault();
        return row is null ? [] : Items(row["items"]!);
    }

    /// <summary>The trending items of a recommendation for a cold user, filtered to the test's genre.</summary>
    private static async Task<List<(string, float)>> TrendingFillAsync(HttpClient client, string genre, CancellationToken ct)
    {
        var body = await PostAsync(client, "/v1/recommend", new JsonObject
        {
            ["userId"] = "trend-cold-" + Guid.NewGuid().ToString("N")[..8],
            ["count"] = 5,
            ["filters"] = new JsonObject { ["genres"] = new JsonArray(genre) },
        }, ct);
        return Items(new JsonArray([.. body["items"]!.AsArray().Where(i => i!["source"]!.GetValue<string>() == "trending").Select(i => i!.DeepClone())]));
    }

    private static List<(string, float)> Items(JsonNode items) =>
        [.. items.AsArray().Select(i => (i!["itemId"]!.GetValue<string>(), i["score"]!.GetValue<float>()))];

    private static async Task<JsonObject> PostAsync(HttpClient client, string path, JsonObject request, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync(path, request, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}{path.TrimStart('/')}: {(int)response.StatusCode} {body}");
        return body!;
    }

    private static string Join(List<(string, float)> items) => string.Join(", ", items.Select(i => $"{i.Item1} {i.Item2}"));
}
