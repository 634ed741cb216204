using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class CrashDurabilityTests
{
    private const int Streams = 4;
    private const int BatchSize = 100;

    [Fact]
    public async Task PostEvents_GatewaySigkilledMidStream_EveryAcknowledgedEventSurvivesRestart()
    {
        using var folder = new GatewayFolder("maas-crash-");
        var ct = TestContext.Current.CancellationToken;
        var acknowledged = new ConcurrentDictionary<string, string>();
        var batches = new ConcurrentBag<string>();

        using (var first = await folder.StartAsync())
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            using var stop = new CancellationTokenSource();
            var streams = Enumerable.Range(0, Streams).Select(s => StreamAsync(client, s, acknowledged, batches, stop.Token)).ToArray();
            // Kill only once several batches are acknowledged, while others are still in flight.
            while (acknowledged.Count < 20 * BatchSize && !streams.Any(t => t.IsCompleted))
            {
                await Task.Delay(20, ct);
            }

            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(streams);
        }

        Assert.True(acknowledged.Count >= 20 * BatchSize, $"only {acknowledged.Count} events acknowledged before the kill");
        using (var second = await folder.StartAsync())
        {
            using var client = new HttpClient { BaseAddress = second.Address };
            foreach (string batch in batches)
            {
                // Re-sending an acknowledged batch must find every event already stored.
                using var response = await client.PostAsync("/v1/events", new StringContent(batch, Encoding.UTF8, "application/json"), ct);
                var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(0, body!["accepted"]!.GetValue<int>());
                Assert.Equal(BatchSize, body["duplicates"]!.GetValue<int>());
            }
        }

        await using var storage = await TestStorage.OpenSqliteAsync(Path.Combine(folder.Data, "maas.db"));
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var page in storage.Events.StreamAllAsync("default", cancellationToken: ct))
        {
            stored.UnionWith(page.Select(e => e.EventId));
        }

        Assert.True(stored.Count >= acknowledged.Count, $"{stored.Count} stored < {acknowledged.Count} acknowledged");
        var missing = acknowledged.Keys.Where(id => !stored.Contains(id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"acknowledged but lost: {string.Join(", ", missing)}");
    }

    private static async Task StreamAsync(
        HttpClient client, int stream, ConcurrentDictionary<string, string> acknowledged, ConcurrentBag<string> batches, CancellationToken stop)
    {
        for (int b = 0; !stop.IsCancellationRequested; b++)
        {
            var ids = Enumerable.Range(0, BatchSize).Select(i => $"s{stream}-b{b}-e{i}").ToArray();
            var events = new JsonArray([.. ids.Select((id, i) => (JsonNode)new JsonObject
            {
                ["eventId"] = id,
                ["userId"] = $"user-{stream}-{i % 10}",
                ["itemId"] = $"item-{(b * 7 + i) % 50}",
                ["type"] = "play",
            })]);
            string json = new JsonObject { ["events"] = events }.ToJsonString();
            try
            {
                using var response = await client.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"), CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                foreach (string id in ids)
                {
                    acknowledged[id] = id;
                }

                batches.Add(json);
            }
            catch (HttpRequestException)
            {
                // The process died under this request: not acknowledged, so nothing is promised about it.
                return;
            }
        }
    }
}
