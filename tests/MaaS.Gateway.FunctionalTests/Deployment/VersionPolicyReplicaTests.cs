using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// A version policy set through one replica is in force on the other within 2 s (the store's NOTIFY, or its poll of a
/// second): the rollback or canary an operator sends through the load balancer reaches every replica. The test waits
/// for the promise plus a margin, since CI runs every test assembly at once on two cores, and fails naming how long it
/// took; the times are printed.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class VersionPolicyReplicaTests(ReplicaTopology topology)
{
    /// <summary>What docs/deployment.md promises.</summary>
    private static readonly TimeSpan Promised = TimeSpan.FromSeconds(2);

    /// <summary>What a loaded box may add to it before the test fails.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan Within = Promised + Margin;

    [Fact]
    public async Task PinThenCanary_SetOnOneReplica_InForceOnTheOtherWithinThePromise()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        // A model of its own, so no other test's requests meet its policy: example-mlp's file as versions 1 and 2.
        string name = "rollout-" + Guid.NewGuid().ToString("N")[..8];
        string staging = Path.Combine(Path.GetDirectoryName(topology.ModelsDirectory)!, "staging-" + name);
        foreach (string version in new[] { "1", "2" })
        {
            ReplicaTopology.CopyDirectory(Path.Combine(topology.ModelsDirectory, "example-mlp", "1"), Path.Combine(staging, version));
        }

        File.Copy(Path.Combine(topology.ModelsDirectory, "example-mlp", "model.json"), Path.Combine(staging, "model.json"));
        Directory.Move(staging, Path.Combine(topology.ModelsDirectory, name));
        using var first = new HttpClient { BaseAddress = topology.Replicas[0].Address };
        using var second = new HttpClient { BaseAddress = topology.Replicas[1].Address };
        foreach (var client in new[] { first, second })
        {
            await UntilAsync(async () => (await client.GetAsync($"/v2/models/{name}/versions/2/ready", ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "version 2 ready", ct);
        }

        await SetAsync(first, name, """{"version": 1}""", ct);
        var pinned = await UntilAsync(async () => (await PolicyAsync(second, name, ct))?["pinnedVersion"]?.GetValue<long>() == 1, Within, "the pin", ct);
        var served = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => VersionAsync(second, name, ct)));

        await SetAsync(second, name, """{"canary": {"version": 2, "percent": 40}}""", ct);
        var canaried = await UntilAsync(async () => (await PolicyAsync(first, name, ct))?["canary"]?["percent"]?.GetValue<int>() == 40, Within, "the canary", ct);
        var split = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => VersionAsync(first, name, ct)));

        await SetAsync(first, name, """{"version": null, "canary": null}""", ct);
        var cleared = await UntilAsync(async () => await PolicyAsync(second, name, ct) is { } p && p["pinnedVersion"] is null && p["canary"] is null, Within, "the clearing", ct);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"the other replica followed in {pinned.TotalMilliseconds:0}, {canaried.TotalMilliseconds:0} and {cleared.TotalMilliseconds:0} ms (promised {Promised.TotalMilliseconds:0} ms)");
        Assert.All(served, v => Assert.Equal("1", v));
        Assert.Contains("1", split);
        Assert.Contains("2", split);
    }

    private static async Task SetAsync(HttpClient client, string name, string body, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/v2/repository/models/{name}/default", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task<JsonNode?> PolicyAsync(HttpClient client, string name, CancellationToken ct) =>
        (await client.GetFromJsonAsync<JsonObject>($"/v1/models/{name}", ct))!["policy"];

    private static async Task<string> VersionAsync(HttpClient client, string name, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/v2/models/{name}/infer", new StringContent(TwoReplicaTests.InferBody, Encoding.UTF8, "application/json"), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return body!["model_version"]!.GetValue<string>();
    }

    /// <summary>Polls <paramref name="holds"/> (no sleep longer than 20 ms) until it holds; fails past <paramref name="limit"/>. Returns how long it took.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> holds, TimeSpan limit, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!await holds())
        {
            Assert.True(
                clock.Elapsed < limit,
                $"{what} was not in force on the other replica after {clock.Elapsed.TotalSeconds:0.0} s (promised within {Promised.TotalSeconds:0} s; the test waits {limit.TotalSeconds:0} s)");
            await Task.Delay(20, ct);
        }

        return clock.Elapsed;
    }
}
