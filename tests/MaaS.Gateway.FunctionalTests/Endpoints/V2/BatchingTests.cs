namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class BatchingTests
{
    [Fact]
    public async Task Infer_ConcurrentRequests_MergedIntoFewerRunsEachGetsOwnRows()
    {
        // A long queue delay makes the merge deterministic: every request arrives within the first one's window.
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp",
            """{ "maxBatchSize": 64, "dynamicBatching": { "enabled": true, "maxQueueDelayMicroseconds": 300000, "maxQueueSize": 100 } }""", 1));
        const int clients = 12;
        var inputs = Enumerable.Range(0, clients)
            .Select(c => Enumerable.Range(0, ExampleMlp.InputSize).Select(i => (float)Math.Sin(c * 8 + i)).ToArray())
            .ToArray();

        var responses = await Task.WhenAll(inputs.Select((x, c) =>
            host.PostJsonAsync("/v2/models/mlp/infer", V2Json.Infer("input", "FP32", [1, 8], x, id: $"c{c}"))));
        var (_, stats) = await host.GetJsonAsync("/v2/models/mlp/stats");

        for (int c = 0; c < clients; c++)
        {
            var (response, body) = responses[c];
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"c{c}", body!["id"]!.GetValue<string>());
            var (_, expected) = ExampleMlp.Reference(inputs[c], 1);
            float[] actual = V2Json.Floats(V2Json.Output(body, "probabilities"));
            Assert.Equal([1L, 3L], V2Json.Output(body, "probabilities")!["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"client {c} class {i}: expected {expected[i]}, got {actual[i]}");
            }
        }

        var model = stats!["model_stats"]!.AsArray().Single()!;
        Assert.Equal(clients, model["inference_count"]!.GetValue<long>());
        long executions = model["execution_count"]!.GetValue<long>();
        Assert.True(executions < clients, $"{clients} concurrent requests ran in {executions} session runs; expected merging");
        var batchSizes = model["batch_stats"]!.AsArray().Select(b => b!["batch_size"]!.GetValue<int>()).ToList();
        Assert.Contains(batchSizes, size => size > 1);
        Assert.Equal(clients, model["inference_stats"]!["success"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Infer_QueueFull_429WithRetryAfter()
    {
        // Two requests may wait; the batch window holds them for a second, so the rest find the queue full.
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp",
            """{ "maxBatchSize": 64, "dynamicBatching": { "enabled": true, "maxQueueDelayMicroseconds": 1000000, "maxQueueSize": 2 } }""", 1));
        string body = V2Json.Infer("input", "FP32", [1, 8], new float[8]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.PostJsonAsync("/v2/models/mlp/infer", body)));

        var rejected = responses.Where(r => r.Response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var accepted = responses.Where(r => r.Response.StatusCode == HttpStatusCode.OK).ToList();
        Assert.Equal(4, rejected.Count);
        Assert.Equal(2, accepted.Count);
        foreach (var (response, error) in rejected)
        {
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
            Assert.Contains("queue", error!["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Infer_BatchingDisabledGlobally_EveryRequestOwnRun()
    {
        await using var host = GatewayHost.Start(
            r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 64, "dynamicBatching": { "maxQueueDelayMicroseconds": 300000 } }""", 1),
            new Dictionary<string, string?> { ["Serving:DynamicBatching"] = "false" });
        string body = V2Json.Infer("input", "FP32", [1, 8], new float[8]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.PostJsonAsync("/v2/models/mlp/infer", body)));
        var (_, stats) = await host.GetJsonAsync("/v2/models/mlp/versions/1/stats");
        var (_, metadata) = await host.GetJsonAsync("/v2/models/mlp");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        var model = stats!["model_stats"]!.AsArray().Single()!;
        Assert.Equal(6, model["execution_count"]!.GetValue<long>());
        Assert.False(metadata!["parameters"]!["dynamic_batching"]!.GetValue<bool>());
    }
}
