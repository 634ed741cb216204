namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// A real gateway over its own temp SQLite data folder and temp model repository, seeded with the deterministic demo
/// catalogue and its first index (as a fresh clone starts), shared by the tests of one class. Tests that write use
/// their own user and item ids, so they never see each other's data.
/// </summary>
public sealed class RecommendationHost : IAsyncLifetime
{
    private GatewayHost? _host;

    public GatewayHost Gateway => _host ?? throw new InvalidOperationException("not started");

    public IEventStore Store => Gateway.Services.GetRequiredService<IEventStore>();

    public ValueTask InitializeAsync()
    {
        _host = GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Storage:SeedDemoDataWhenEmpty"] = "true",
            ["Recommendations:BuildOnStart"] = "true",
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>The first day of the user histories these tests write, one date for every class that reads them back.</summary>
    public static readonly DateTimeOffset Day0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static JsonObject Event(string eventId, string userId, string itemId, string type = "play", float value = 1f, DateTimeOffset? at = null)
    {
        var e = new JsonObject { ["eventId"] = eventId, ["userId"] = userId, ["itemId"] = itemId, ["type"] = type, ["value"] = value };
        if (at is { } t)
        {
            e["timestamp"] = t.ToString("O");
        }

        return e;
    }

    public static string Events(params JsonObject[] events) => new JsonObject { ["events"] = new JsonArray(events) }.ToJsonString();

    public static string[] Ids(JsonNode? recommendBody) => [.. recommendBody!["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];

    public static string[] Sources(JsonNode? recommendBody) => [.. recommendBody!["items"]!.AsArray().Select(i => i!["source"]!.GetValue<string>())];

    /// <summary>Asks for a rebuild (202 and a job) and waits for the job to end; returns the finished job.</summary>
    public static async Task<JsonNode> RebuildAsync(GatewayHost host)
    {
        var (response, job) = await host.PostJsonAsync("/v1/recommendations/rebuild", "");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"rebuild: {(int)response.StatusCode} {job?.ToJsonString()}");
        return await WaitForJobAsync(host, job!["id"]!.GetValue<string>());
    }

    /// <summary>Polls a rebuild job until it is no longer queued or running (at most 60 s).</summary>
    public static async Task<JsonNode> WaitForJobAsync(GatewayHost host, string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (response, job) = await host.GetJsonAsync($"/v1/recommendations/rebuilds/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"job {id}: {(int)response.StatusCode} {job?.ToJsonString()}");
            string status = job!["status"]!.GetValue<string>();
            if (status is not ("queued" or "running"))
            {
                return job;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"job {id} still {status} after 60 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
