using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>Two replicas over one PostgreSQL schema and one model repository behave as one service.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class TwoReplicaTests(ReplicaTopology topology)
{
    [Fact]
    public async Task Recommend_EventsPostedThroughOtherReplica_HistoryReadAtRequestTime()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        using var writer = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var reader = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        using var balanced = new HttpClient { BaseAddress = topology.LoadBalancer };
        string user = "deploy-user-" + Guid.NewGuid().ToString("N")[..8];

        // The reader serves this user first, so any per-replica cache would now hold an empty history.
        var cold = await RecommendAsync(reader, user, ct);
        Assert.Equal(0, cold["historySize"]!.GetValue<int>());

        string events = new JsonObject
        {
            ["events"] = new JsonArray(
                Event(user, "movie-005", "play"), Event(user, "movie-013", "like"), Event(user, "movie-021", "play")),
        }.ToJsonString();
        using var posted = await writer.PostAsync("/v1/events", new StringContent(events, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var warm = await RecommendAsync(reader, user, ct);
        Assert.Equal(3, warm["historySize"]!.GetValue<int>());
        var ids = warm["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal("neighbours", warm["items"]![0]!["source"]!.GetValue<string>());
        Assert.DoesNotContain("movie-005", ids);

        // Through nginx (either replica): the same history.
        var viaNginx = await RecommendAsync(balanced, user, ct);
        Assert.Equal(3, viaNginx["historySize"]!.GetValue<int>());
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

    internal const string InferBody = """{"inputs":[{"name":"input","datatype":"FP32","shape":[1,8],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}""";

    private static JsonObject Event(string user, string item, string type) => new()
    {
        ["eventId"] = "deploy-" + Guid.NewGuid().ToString("N"),
        ["userId"] = user,
        ["itemId"] = item,
        ["type"] = type,
    };

    private static async Task<JsonObject> RecommendAsync(HttpClient client, string user, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("/v1/recommend", new JsonObject { ["userId"] = user, ["count"] = 10 }, ct);
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
