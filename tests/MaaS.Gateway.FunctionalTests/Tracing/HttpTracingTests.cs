namespace MaaS.Gateway.FunctionalTests.Tracing;

/// <summary>
/// Traces of <c>/v2</c> inference on a real gateway, read back from the trace file its writer wrote: a traced request's
/// record and timestamps, the rate and count choosing which requests are traced, an ensemble's steps under their call.
/// </summary>
public sealed class HttpTracingTests
{
    private const string Bootstrap = SecureGateway.BootstrapKey;

    [Fact]
    public async Task Infer_Traced_RecordAndTimestampsInTritonsOrderInsideTheRequest()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, setup: null, ("Level", "TIMESTAMPS"), ("Rate", "1"), ("LogFrequency", "1"));

        var before = DateTime.UtcNow;
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", Bootstrap, SecureGateway.MlpInferBody);
        var after = DateTime.UtcNow;
        var file = await TraceFiles.ReadAsync(folder["trace.json.0"]);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var record = Assert.Single(file, e => e!.AsObject().ContainsKey("model_name"))!;
        Assert.Equal("example-mlp", record["model_name"]!.GetValue<string>());
        Assert.Equal(1, record["model_version"]!.GetValue<long>());
        Assert.False(record.AsObject().ContainsKey("parent_id"), record.ToJsonString());
        TraceFiles.AssertInOrderWithin(TraceFiles.Timestamps(file, record["id"]!.GetValue<long>()), TraceFiles.HttpOrder, before, after);
        Assert.DoesNotContain(file, e => e!.AsObject().ContainsKey("activity"));
    }

    /// <summary>
    /// A request to an unknown model is sampled but reaches no model: it leaves no record (Triton refuses it before it
    /// makes a trace), and the next, known, request is the only one written.
    /// </summary>
    [Fact]
    public async Task Infer_UnknownModel_NotRecorded()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, setup: null, ("Level", "TIMESTAMPS"), ("Rate", "1"), ("LogFrequency", "1"));

        var (unknown, _) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/no-such-model/infer", Bootstrap, SecureGateway.MlpInferBody);
        var (known, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", Bootstrap, SecureGateway.MlpInferBody);
        var file = await TraceFiles.ReadAsync(folder["trace.json.0"]);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.True(known.StatusCode == HttpStatusCode.OK, $"{(int)known.StatusCode} {body}");
        var record = Assert.Single(file, e => e!.AsObject().ContainsKey("model_name"))!;
        Assert.Equal("example-mlp", record["model_name"]!.GetValue<string>());
        Assert.False(File.Exists(folder["trace.json.1"]), "the unknown model's request left a trace file");
    }

    /// <summary>
    /// Rate 2 and count 3 trace the 2nd, 4th and 6th of ten requests and no other, one file each (log frequency 1): which
    /// requests they were is read from their input tensors (TENSORS), each request's first value its number.
    /// </summary>
    [Fact]
    public async Task Infer_Rate2Count3_TracesThe2nd4th6thOnly()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, setup: null, ("Level", "TIMESTAMPS,TENSORS"), ("Rate", "2"), ("Count", "3"), ("LogFrequency", "1"));

        for (int i = 1; i <= 10; i++)
        {
            float[] input = [i, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];
            var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", Bootstrap, V2Json.Infer("input", "FP32", [1, 8], input));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {body}");
        }

        var traced = new List<string>();
        for (int n = 0; n < 3; n++)
        {
            var file = await TraceFiles.ReadAsync(folder[$"trace.json.{n}"]);
            var input = Assert.Single(file, e => e!["activity"]?.GetValue<string>() == "TENSOR_QUEUE_INPUT")!["tensor"]!;
            Assert.Equal(("input", "1,8", "FP32"), (input["name"]!.GetValue<string>(), input["shape"]!.GetValue<string>(), input["dtype"]!.GetValue<string>()));
            traced.Add(input["data"]!.GetValue<string>().Split(',')[0]);
            var outputs = file.Where(e => e!["activity"]?.GetValue<string>() == "TENSOR_BACKEND_OUTPUT").Select(e => e!["tensor"]!).ToList();
            Assert.Contains(outputs, o => o["name"]!.GetValue<string>() == "probabilities" && o["shape"]!.GetValue<string>() == "1,3");
        }

        var (_, settings) = await gateway.SendJsonAsync(HttpMethod.Get, "/v2/trace/setting", Bootstrap);
        Assert.Equal(["2", "4", "6"], traced);
        Assert.Equal("0", settings!["trace_count"]!.GetValue<string>());
        Assert.False(File.Exists(folder["trace.json.3"]), "a fourth trace was written after the count ran out");
    }

    [Fact]
    public async Task Infer_Ensemble_StepsCarryTheCallAsParent()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, r => r.WithEnsembles(), ("Level", "TIMESTAMPS"), ("Rate", "1"), ("LogFrequency", "1"));

        var before = DateTime.UtcNow;
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/pipeline/infer", Bootstrap,
            V2Json.Infer("raw", "FP32", [2, 4], new float[] { 0.5f, 1f, -2f, 8f, 3f, 2f, 1f, 0f }));
        var after = DateTime.UtcNow;
        var file = await TraceFiles.ReadAsync(folder["trace.json.0"]);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var records = file.Where(e => e!.AsObject().ContainsKey("model_name")).Select(e => e!.AsObject()).ToList();
        var call = Assert.Single(records, r => !r.ContainsKey("parent_id"));
        Assert.Equal("pipeline", call["model_name"]!.GetValue<string>());
        long id = call["id"]!.GetValue<long>();
        var steps = records.Where(r => r.ContainsKey("parent_id")).ToList();
        Assert.Equal(["standardise", "classify"], steps.Select(s => s["model_name"]!.GetValue<string>()));
        Assert.All(steps, s => Assert.Equal(id, s["parent_id"]!.GetValue<long>()));
        Assert.Equal(3, records.Select(r => r["id"]!.GetValue<long>()).Distinct().Count());
        var callStamps = TraceFiles.Timestamps(file, id);
        Assert.Equal(["HTTP_RECV_START", "HTTP_RECV_END", "REQUEST_START", "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END"], callStamps.Select(s => s.Name));
        foreach (var step in steps)
        {
            var stamps = TraceFiles.Timestamps(file, step["id"]!.GetValue<long>());
            TraceFiles.AssertInOrderWithin(stamps, TraceFiles.HttpOrder[2..^2], before, after);
            long callStart = callStamps.Single(s => s.Name == "REQUEST_START").Ns, callEnd = callStamps.Single(s => s.Name == "REQUEST_END").Ns;
            Assert.True(stamps[0].Ns >= callStart && stamps[^1].Ns <= callEnd, $"step {step["model_name"]} outside its call");
        }
    }

    private static SecureGateway Start(TempFolder folder, Action<TestRepository>? setup, params (string Key, string Value)[] trace)
    {
        var settings = new Dictionary<string, string?> { ["Serving:Trace:File"] = folder["trace.json"] };
        foreach (var (key, value) in trace)
        {
            settings["Serving:Trace:" + key] = value;
        }

        return SecureGateway.Start(setup, settings);
    }
}
