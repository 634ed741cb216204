using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// Triton's sequence batcher end to end on one gateway process, over the bundled <c>example-session</c>'s real session:
/// sequences sent concurrently over /v2 JSON, /v2 binary and gRPC each equal the graph by hand with the state threaded,
/// Triton's refusals answer 400 / INVALID_ARGUMENT, and the config reads the same over HTTP and gRPC.
/// </summary>
public sealed class SequenceBatchingTests
{
    private const int Sequences = 32;
    private const int Steps = 20;

    [Fact]
    public async Task Infer_32SequencesOf20OverJsonBinaryAndGrpc_EachEqualsTheGraphWithItsStateThreaded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TestRepository().WithExampleSession();
        // 32 concurrent clients: past one key's rate and concurrency limits, so authentication is off here.
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root, ["Auth:Enabled"] = "false" }, ct);
        if (gateway is null)
        {
            Assert.Skip("the gateway is not built");
            return;
        }

        var client = gateway.Client();
        var rng = new Random(20);
        var items = Enumerable.Range(0, Sequences).Select(_ => Enumerable.Range(0, Steps).Select(_ => Item(rng)).ToArray()).ToArray();

        async Task RunAsync(int s)
        {
            float[]? taste = null;
            for (int step = 0; step < Steps; step++)
            {
                ulong id = 5000 + (ulong)s;
                bool start = step == 0, end = step == Steps - 1;
                string how = (s % 3) switch { 0 => "json", 1 => "binary", _ => "grpc" };
                var (gotTaste, gotScores) = how switch
                {
                    "json" => await JsonAsync(gateway, Body(items[s][step], id, start, end, binary: false), ct),
                    "binary" => await BinaryAsync(gateway, items[s][step], id, start, end, ct),
                    _ => await GrpcAsync(client, items[s][step], new InferParameter { Uint64Param = id }, start, end, ct),
                };
                var (expectedTaste, expectedScores) = ExampleSession.Step(taste, items[s][step]);
                AssertClose(expectedTaste, gotTaste, $"{how} sequence {s} step {step} taste");
                AssertClose(expectedScores, gotScores, $"{how} sequence {s} step {step} scores");
                taste = expectedTaste;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Sequences).Select(s => Task.Run(() => RunAsync(s), ct)));

        var stats = await gateway.GetJsonAsync(HttpMethod.Get, $"/v2/models/{ExampleSession.Name}/stats", null, ct);
        var model = stats["model_stats"]![0]!;
        Assert.Equal(Sequences * Steps, model["inference_count"]!.GetValue<long>());
        Assert.Equal(Sequences * Steps, model["inference_stats"]!["success"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Infer_TritonsRefusals_400AndInvalidArgument_ConfigHttpEqualsGrpc()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TestRepository().WithExampleSession();
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root }, ct);
        if (gateway is null)
        {
            Assert.Skip("the gateway is not built");
            return;
        }

        var client = gateway.Client();
        float[] item = [1, 0, 0, 0, 0, 0, 0, 0];

        // A string id over both protocols: START, END, then a request without START for it.
        Assert.Equal(item, (await JsonAsync(gateway, BodyWithId(item, "\"listener-1\"", "\"sequence_start\":true,\"sequence_end\":true"), ct)).Taste);
        await GrpcAsync(client, item, new InferParameter { StringParam = "listener-2" }, start: true, end: true, ct);
        const string NoStart = "inference request for sequence {0} to model 'example-session' must specify the START flag on the first request of the sequence";
        await AssertHttpAsync(gateway, BodyWithId(item, "\"listener-1\"", null), HttpStatusCode.BadRequest, string.Format(CultureInfo.InvariantCulture, NoStart, "listener-1"), ct);
        var grpcAfterEnd = await Assert.ThrowsAsync<RpcException>(() => GrpcAsync(client, item, new InferParameter { StringParam = "listener-2" }, start: false, end: false, ct));
        Assert.Equal((StatusCode.InvalidArgument, string.Format(CultureInfo.InvariantCulture, NoStart, "listener-2")), (grpcAfterEnd.StatusCode, grpcAfterEnd.Status.Detail));

        const string NoId = "inference request to model 'example-session' must specify a non-zero or non-empty correlation ID";
        await AssertHttpAsync(gateway, new JsonObject { ["inputs"] = Body(item, 1, true, true, binary: false)["inputs"]!.DeepClone() }, HttpStatusCode.BadRequest, NoId, ct);
        await AssertHttpAsync(gateway, BodyWithId(item, "0", "\"sequence_start\":true"), HttpStatusCode.BadRequest, NoId, ct);
        await AssertHttpAsync(gateway, BodyWithId(item, "-3", null), HttpStatusCode.BadRequest, "parameters.sequence_id is a number that is not a whole number >= 0 or a string", ct);
        await AssertHttpAsync(gateway, BodyWithId(item, "7", "\"sequence_start\":1"), HttpStatusCode.BadRequest, "parameters.sequence_start is a number, not a boolean", ct);
        var state = Body(item, 8, true, false, binary: false);
        state["inputs"]!.AsArray().Add(new JsonObject { ["name"] = "taste_in", ["datatype"] = "FP32", ["shape"] = new JsonArray(1, 8), ["data"] = new JsonArray([.. item.Select(v => (JsonNode)v)]) });
        await AssertHttpAsync(gateway, state, HttpStatusCode.BadRequest, "unexpected inference input 'taste_in' for model 'example-session'", ct);
        var grpcNoId = await Assert.ThrowsAsync<RpcException>(() => GrpcAsync(client, item, null, start: true, end: false, ct));
        Assert.Equal((StatusCode.InvalidArgument, NoId), (grpcNoId.StatusCode, grpcNoId.Status.Detail));
        var grpcBadFlag = await Assert.ThrowsAsync<RpcException>(() => GrpcAsync(client, item, new InferParameter { Int64Param = 3 }, start: null, end: false, ct));
        Assert.Equal(StatusCode.InvalidArgument, grpcBadFlag.StatusCode);
        Assert.Contains("parameters.sequence_start", grpcBadFlag.Status.Detail, StringComparison.Ordinal);

        var http = await gateway.GetJsonAsync(HttpMethod.Get, $"/v2/models/{ExampleSession.Name}/config", null, ct);
        var grpc = (await client.ModelConfigAsync(new ModelConfigRequest { Name = ExampleSession.Name }, Admin(), deadline: Deadline(), cancellationToken: ct)).Config;
        Assert.Null(http["dynamic_batching"]);
        Assert.Null(grpc.DynamicBatching);
        Assert.Equal(["item"], http["input"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(["item"], grpc.Input.Select(i => i.Name));
        Assert.Equal(["taste", "scores"], grpc.Output.Select(o => o.Name));
        var httpSequences = http["sequence_batching"]!;
        var grpcSequences = grpc.SequenceBatching;
        Assert.Equal(60_000_000UL, grpcSequences.MaxSequenceIdleMicroseconds);
        Assert.Equal(grpcSequences.MaxSequenceIdleMicroseconds, httpSequences["max_sequence_idle_microseconds"]!.GetValue<ulong>());
        var control = grpcSequences.ControlInput.Single();
        var httpControl = httpSequences["control_input"]![0]!;
        Assert.Equal(("START", ModelSequenceBatching.Types.Control.Types.Kind.ControlSequenceStart), (control.Name, control.Control.Single().Kind));
        Assert.Equal(("START", "CONTROL_SEQUENCE_START"), (httpControl["name"]!.GetValue<string>(), httpControl["control"]![0]!["kind"]!.GetValue<string>()));
        Assert.Equal([0f, 1f], control.Control.Single().Fp32FalseTrue);
        Assert.Equal([0f, 1f], httpControl["control"]![0]!["fp32_false_true"]!.AsArray().Select(v => v!.GetValue<float>()));
        var grpcState = grpcSequences.State.Single();
        var httpState = httpSequences["state"]![0]!;
        Assert.Equal(("taste_in", "taste_out", DataType.TypeFp32, 8L), (grpcState.InputName, grpcState.OutputName, grpcState.DataType, grpcState.Dims.Single()));
        Assert.Equal(("taste_in", "taste_out", "TYPE_FP32", 8L), (httpState["input_name"]!.GetValue<string>(), httpState["output_name"]!.GetValue<string>(),
            httpState["data_type"]!.GetValue<string>(), httpState["dims"]![0]!.GetValue<long>()));
        Assert.Equal((1024, 0UL), (grpcSequences.Oldest.MaxCandidateSequences, grpcSequences.Oldest.MaxQueueDelayMicroseconds));
        Assert.Equal((1024, 0UL), (httpSequences["oldest"]!["max_candidate_sequences"]!.GetValue<int>(), httpSequences["oldest"]!["max_queue_delay_microseconds"]!.GetValue<ulong>()));
    }

    private static float[] Item(Random rng) => [.. Enumerable.Range(0, ExampleSession.Features).Select(_ => (float)rng.NextDouble())];

    private static JsonObject Body(float[] item, ulong id, bool start, bool end, bool binary)
    {
        var input = new JsonObject { ["name"] = "item", ["datatype"] = "FP32", ["shape"] = new JsonArray(1, ExampleSession.Features) };
        if (binary)
        {
            input["parameters"] = new JsonObject { ["binary_data_size"] = item.Length * 4 };
        }
        else
        {
            input["data"] = new JsonArray([.. item.Select(v => (JsonNode)v)]);
        }

        return new JsonObject
        {
            ["inputs"] = new JsonArray(input),
            ["parameters"] = new JsonObject { ["sequence_id"] = id, ["sequence_start"] = start, ["sequence_end"] = end },
        };
    }

    private static JsonObject BodyWithId(float[] item, string id, string? flags)
    {
        var body = Body(item, 1, false, false, binary: false);
        body["parameters"] = JsonNode.Parse($"{{\"sequence_id\":{id}{(flags is null ? "" : "," + flags)}}}");
        return body;
    }

    private static async Task<(float[] Taste, float[] Scores)> JsonAsync(GrpcGateway gateway, JsonObject body, CancellationToken ct)
    {
        var answer = await gateway.GetJsonAsync(HttpMethod.Post, $"/v2/models/{ExampleSession.Name}/infer", body, ct);
        float[] Output(string name) => [.. answer["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == name)!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
        Assert.Equal(2, answer["outputs"]!.AsArray().Count);
        return (Output("taste"), Output("scores"));
    }

    private static async Task<(float[] Taste, float[] Scores)> BinaryAsync(GrpcGateway gateway, float[] item, ulong id, bool start, bool end, CancellationToken ct)
    {
        byte[] json = Encoding.UTF8.GetBytes(Body(item, id, start, end, binary: true).ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{ExampleSession.Name}/infer")
        {
            Content = new ByteArrayContent([.. json, .. MemoryMarshal.AsBytes(item.AsSpan()).ToArray()]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GrpcGateway.AdminKey);
        request.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", json.Length.ToString(CultureInfo.InvariantCulture));
        using var response = await gateway.Http.SendAsync(request, ct);
        string text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var answer = JsonNode.Parse(text)!;
        float[] Output(string name) => [.. answer["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == name)!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
        return (Output("taste"), Output("scores"));
    }

    private static async Task<(float[] Taste, float[] Scores)> GrpcAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client, float[] item, InferParameter? id, bool? start, bool end, CancellationToken ct)
    {
        var request = new ModelInferRequest { ModelName = ExampleSession.Name };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "item", Datatype = "FP32" };
        input.Shape.Add([1, ExampleSession.Features]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(item.AsSpan())));
        if (id is not null)
        {
            request.Parameters.Add("sequence_id", id);
        }

        request.Parameters.Add("sequence_start", start is bool flag ? new InferParameter { BoolParam = flag } : new InferParameter { Int64Param = 1 });
        request.Parameters.Add("sequence_end", new InferParameter { BoolParam = end });
        var response = await client.ModelInferAsync(request, Admin(), deadline: Deadline(), cancellationToken: ct);
        float[] Output(string name)
        {
            int index = response.Outputs.Select(o => o.Name).ToList().IndexOf(name);
            return MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray();
        }

        return (Output("taste"), Output("scores"));
    }

    private static async Task AssertHttpAsync(GrpcGateway gateway, JsonObject body, HttpStatusCode status, string expected, CancellationToken ct)
    {
        using var response = await gateway.SendAsync(HttpMethod.Post, $"/v2/models/{ExampleSession.Name}/infer", body, ct);
        string text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == status && text.Contains(expected, StringComparison.Ordinal), $"{body.ToJsonString()}: {(int)response.StatusCode} {text}");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }

    private static Metadata Admin() => new() { { "x-api-key", GrpcGateway.AdminKey } };

    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(1);
}
