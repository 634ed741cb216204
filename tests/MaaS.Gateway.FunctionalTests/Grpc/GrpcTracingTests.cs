using Grpc.Core;
using MaaS.Gateway.FunctionalTests.Tracing;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// Triton's trace extension over gRPC with the .NET client on the built gateway: the <c>TraceSetting</c> RPC reads and
/// changes the settings <c>/v2/trace/setting</c> answers (a model's override and its clearing, refusals as
/// INVALID_ARGUMENT naming the setting, PERMISSION_DENIED for an app key), and a traced <c>ModelInfer</c> writes its record.
/// </summary>
public sealed class GrpcTracingTests
{
    [Fact]
    public async Task TraceSetting_RoundTripOverrideClearAndRefusals_AsHttpReadsThem()
    {
        using var folder = new TempFolder("maas-trace-");
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:Trace:File"] = folder["trace.json"] }, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        string app = await gateway.CreateKeyAsync(["app"], ct);
        var client = gateway.Client();
        var admin = new Metadata { { "x-api-key", GrpcGateway.AdminKey } };

        var read = await client.TraceSettingAsync(new TraceSettingRequest(), admin, cancellationToken: ct);
        var overridden = await client.TraceSettingAsync(Request("example-mlp", ("trace_rate", ["5"]), ("trace_level", ["TIMESTAMPS", "TENSORS"])), admin, cancellationToken: ct);
        var http = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/trace/setting", null, ct);
        var cleared = await client.TraceSettingAsync(Request("example-mlp", ("trace_rate", [])), admin, cancellationToken: ct);
        var invalid = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.TraceSettingAsync(Request("", ("trace_count", ["-2"])), admin, cancellationToken: ct));
        var file = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.TraceSettingAsync(Request("", ("trace_file", ["/tmp/elsewhere.json"])), admin, cancellationToken: ct));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.TraceSettingAsync(Request("no-such-model", ("trace_rate", ["1"])), admin, cancellationToken: ct));
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.TraceSettingAsync(Request("", ("trace_rate", ["1"])), new Metadata { { "x-api-key", app } }, cancellationToken: ct));
        var after = await client.TraceSettingAsync(new TraceSettingRequest(), admin, cancellationToken: ct);

        Assert.Equal("""{"log_frequency":["0"],"trace_count":["-1"],"trace_file":["FILE"],"trace_level":["OFF"],"trace_mode":["triton"],"trace_rate":["1000"]}""",
            Flat(read, folder["trace.json"]));
        Assert.Equal("""{"log_frequency":["0"],"trace_count":["-1"],"trace_file":["FILE"],"trace_level":["TIMESTAMPS","TENSORS"],"trace_mode":["triton"],"trace_rate":["5"]}""",
            Flat(overridden, folder["trace.json"]));
        Assert.Equal("5", http["trace_rate"]!.GetValue<string>());
        Assert.Equal("""["TIMESTAMPS","TENSORS"]""", http["trace_level"]!.ToJsonString());
        Assert.Equal(["1000"], cleared.Settings["trace_rate"].Value);
        Assert.Equal(["TIMESTAMPS", "TENSORS"], cleared.Settings["trace_level"].Value);
        Assert.Equal((StatusCode.InvalidArgument, true), (invalid.StatusCode, invalid.Status.Detail.Contains("trace_count", StringComparison.Ordinal)));
        Assert.Equal((StatusCode.InvalidArgument, true), (file.StatusCode, file.Status.Detail.Contains("trace file location can not be updated", StringComparison.Ordinal)));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(Flat(read, folder["trace.json"]), Flat(after, folder["trace.json"]));
    }

    [Fact]
    public async Task ModelInfer_Traced_RecordAndTimestampsInTritonsOrderInsideTheCall()
    {
        using var folder = new TempFolder("maas-trace-");
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(GrpcGateway.TracingEveryRequest(folder), ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();
        var request = GrpcInfer.Mlp(GrpcInfer.MlpRow);

        var before = DateTime.UtcNow;
        await client.ModelInferAsync(request, new Metadata { { "x-api-key", GrpcGateway.AdminKey } }, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: ct);
        var after = DateTime.UtcNow;
        var file = await TraceFiles.ReadAsync(folder["trace.json.0"]);

        var record = Assert.Single(file, e => e!.AsObject().ContainsKey("model_name"))!;
        Assert.Equal(("example-mlp", 1L), (record["model_name"]!.GetValue<string>(), record["model_version"]!.GetValue<long>()));
        TraceFiles.AssertInOrderWithin(TraceFiles.Timestamps(file, record["id"]!.GetValue<long>()), TraceFiles.GrpcOrder, before, after);
    }

    private static TraceSettingRequest Request(string model, params (string Name, string[] Values)[] settings)
    {
        var request = new TraceSettingRequest { ModelName = model };
        foreach (var (name, values) in settings)
        {
            var value = new TraceSettingRequest.Types.SettingValue();
            value.Value.Add(values);
            request.Settings.Add(name, value);
        }

        return request;
    }

    // The settings as one JSON object in name order, the configured file (a temporary path) written FILE.
    private static string Flat(TraceSettingResponse response, string file) =>
        new JsonObject(response.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => KeyValuePair.Create(s.Key,
            (JsonNode?)new JsonArray([.. s.Value.Value.Select(v => (JsonNode)(v == file ? "FILE" : v))])))).ToJsonString();
}
