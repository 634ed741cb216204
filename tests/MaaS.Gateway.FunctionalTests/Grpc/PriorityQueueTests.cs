using Grpc.Core;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// Triton's schedule policy parameters (<c>priority</c>, <c>timeout</c>) and queue policy end to end, over /v2 HTTP and
/// gRPC on one gateway with example-mlp's real session. A request is held in the queue deterministically: the batch being
/// formed has 3 of 4 rows and waits 8 s for more, so a 2-row request cannot join it and waits behind it.
/// </summary>
public sealed class PriorityQueueTests
{
    private const string ModelJson = """
        { "maxBatchSize": 4, "dynamicBatching": { "maxQueueDelayMicroseconds": 8000000, "priorityLevels": 2, "defaultPriorityLevel": 1,
          "priorityQueuePolicy": { "2": { "timeoutAction": "REJECT", "defaultTimeoutMicroseconds": 60000000, "allowTimeoutOverride": true, "maxQueueSize": 8 } } } }
        """;

    [Fact]
    public async Task Infer_QueueTimeoutExpires_Http503AndGrpcUnavailableRequestTimeoutExpiredCountedAsFailures()
    {
        var ct = TestContext.Current.CancellationToken;
        using var served = await Served.StartAsync(ct);
        var (gateway, client) = (served.Gateway, served.Client);

        // The holder must be queued before the victims arrive (first, a victim would start a batch the other fills). A
        // fixed half second was the wait, and a loaded box's first request (compiling its whole path) can take longer:
        // a full batch (4 rows, run at once) compiles the path first, and the holder is sent on once the gateway runs
        // its work, past which only its synchronous step into the batcher's queue remains.
        using (var warm = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", HttpBody(4, null), ct))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await RunningAsync(gateway, units => units == 0, "the full batch's work given back", null, ct);
        var holder = gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", HttpBody(3, null), ct);
        await RunningAsync(gateway, units => units > 0, "the held request running", holder, ct);
        var httpVictim = gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", HttpBody(2, new JsonObject { ["priority"] = 2, ["timeout"] = 100_000 }), ct);
        var grpcVictim = client.ModelInferAsync(GrpcRequest(2, priority: new() { Uint64Param = 2 }, timeout: new() { Int64Param = 100_000 }), Admin(), deadline: Deadline(), cancellationToken: ct).ResponseAsync;
        using var rejected = await httpVictim;
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => grpcVictim);
        bool holderDoneFirst = holder.IsCompleted;
        using var held = await holder;
        var stats = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/stats", null, ct);

        Assert.False(holderDoneFirst, "the held batch ended before the timeouts: the test held nothing");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.Equal("""{"error":"Request timeout expired"}""", await rejected.Content.ReadAsStringAsync(ct));
        Assert.Equal((StatusCode.Unavailable, "Request timeout expired"), (unavailable.StatusCode, unavailable.Status.Detail));
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var inference = stats["model_stats"]![0]!["inference_stats"]!;
        Assert.Equal(2, inference["fail"]!["count"]!.GetValue<long>());
        Assert.Equal(2, inference["success"]!["count"]!.GetValue<long>()); // the full batch and the held one
    }

    /// <summary>Waits until the gateway's costed work running (<c>maas_admission_running</c>, in units) <paramref name="holds"/>; fails after a minute, or once <paramref name="request"/> is answered first.</summary>
    private static async Task RunningAsync(GrpcGateway gateway, Func<long, bool> holds, string what, Task<HttpResponseMessage>? request, CancellationToken ct)
    {
        string? last = null;
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60) && request?.IsCompleted != true; await Task.Delay(20, ct))
        {
            using var metrics = await gateway.SendAsync(HttpMethod.Get, "/metrics", null, ct);
            last = (await metrics.Content.ReadAsStringAsync(ct)).Split('\n').FirstOrDefault(l => l.StartsWith("maas_admission_running ", StringComparison.Ordinal));
            if (last is not null && holds(long.Parse(last["maas_admission_running ".Length..], CultureInfo.InvariantCulture)))
            {
                return;
            }
        }

        Assert.Fail($"not seen within 60 s: {what} (answered first: {request?.IsCompleted == true}; last: {last ?? "no such metric"})");
    }

    [Fact]
    public async Task Infer_BadPriorityOrTimeout_400AndInvalidArgumentNamingIt_ConfigHttpEqualsGrpc()
    {
        var ct = TestContext.Current.CancellationToken;
        using var served = await Served.StartAsync(ct);
        var (gateway, client) = (served.Gateway, served.Client);

        foreach (var (parameters, expected) in new (JsonObject, string)[]
        {
            (new() { ["priority"] = -1 }, "parameters.priority"),
            (new() { ["priority"] = "high" }, "parameters.priority"),
            (new() { ["timeout"] = 1.5 }, "parameters.timeout"),
            (new() { ["priority"] = 3 }, "parameters.priority 3 is above the model's priority levels (1 to 2)"),
        })
        {
            using var response = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", HttpBody(1, parameters), ct);
            string text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && text.Contains(expected, StringComparison.Ordinal), $"{parameters.ToJsonString()}: {(int)response.StatusCode} {text}");
        }

        foreach (var (priority, timeout, expected) in new (InferParameter?, InferParameter?, string)[]
        {
            (new() { Int64Param = -1 }, null, "parameters.priority"),
            (null, new() { StringParam = "soon" }, "parameters.timeout"),
            (new() { Uint64Param = 9 }, null, "parameters.priority 9"),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await client.ModelInferAsync(GrpcRequest(1, priority, timeout), Admin(), deadline: Deadline(), cancellationToken: ct));
            Assert.True(refused.StatusCode == StatusCode.InvalidArgument && refused.Status.Detail.Contains(expected, StringComparison.Ordinal), refused.ToString());
        }

        using var answered = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", HttpBody(1, new JsonObject { ["priority"] = 2, ["timeout"] = 0 }), ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var http = (await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/config", null, ct))["dynamic_batching"]!;
        var grpc = (await client.ModelConfigAsync(new ModelConfigRequest { Name = "example-mlp" }, Admin(), deadline: Deadline(), cancellationToken: ct)).Config.DynamicBatching;
        var level2 = grpc.PriorityQueuePolicy[2];
        var httpLevel2 = http["priority_queue_policy"]!["2"]!;
        Assert.Equal((2UL, 1UL), (grpc.PriorityLevels, grpc.DefaultPriorityLevel));
        Assert.Equal((2UL, 1UL), (http["priority_levels"]!.GetValue<ulong>(), http["default_priority_level"]!.GetValue<ulong>()));
        Assert.Equal((ModelQueuePolicy.Types.TimeoutAction.Reject, 60_000_000UL, true, 8U), (level2.TimeoutAction, level2.DefaultTimeoutMicroseconds, level2.AllowTimeoutOverride, level2.MaxQueueSize));
        Assert.Equal(("REJECT", 60_000_000UL, true, 8U), (httpLevel2["timeout_action"]!.GetValue<string>(), httpLevel2["default_timeout_microseconds"]!.GetValue<ulong>(),
            httpLevel2["allow_timeout_override"]!.GetValue<bool>(), httpLevel2["max_queue_size"]!.GetValue<uint>()));
        Assert.Equal(grpc.DefaultQueuePolicy.MaxQueueSize, http["default_queue_policy"]!["max_queue_size"]!.GetValue<uint>());
    }

    /// <summary>A gateway over example-mlp with <see cref="ModelJson"/>, and a gRPC client of it; the test skips when the gateway is not built.</summary>
    private sealed class Served(TestRepository repository, GrpcGateway gateway) : IDisposable
    {
        private readonly global::Grpc.Net.Client.GrpcChannel _channel = gateway.Channel();

        public GrpcGateway Gateway => gateway;

        public GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

        public static async Task<Served> StartAsync(CancellationToken ct)
        {
            var repository = new TestRepository().WithExampleMlp(modelJson: ModelJson);
            var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root }, ct);
            if (gateway is null)
            {
                repository.Dispose();
                Assert.Skip("the gateway is not built");
            }

            return new Served(repository, gateway);
        }

        public void Dispose()
        {
            _channel.Dispose();
            gateway.Dispose();
            repository.Dispose();
        }
    }

    private static JsonObject HttpBody(int rows, JsonObject? parameters)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input",
                ["datatype"] = "FP32",
                ["shape"] = new JsonArray(rows, 8),
                ["data"] = new JsonArray([.. Enumerable.Repeat(0.5, rows * 8).Select(v => (JsonNode)v)]),
            }),
        };
        if (parameters is not null)
        {
            body["parameters"] = parameters;
        }

        return body;
    }

    private static ModelInferRequest GrpcRequest(int rows, InferParameter? priority = null, InferParameter? timeout = null)
    {
        var request = GrpcInfer.Mlp([.. Enumerable.Repeat(0.5f, rows * 8)]);
        if (priority is not null)
        {
            request.Parameters.Add("priority", priority);
        }

        if (timeout is not null)
        {
            request.Parameters.Add("timeout", timeout);
        }

        return request;
    }

    private static Metadata Admin() => new() { { "x-api-key", GrpcGateway.AdminKey } };

    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(1);
}
