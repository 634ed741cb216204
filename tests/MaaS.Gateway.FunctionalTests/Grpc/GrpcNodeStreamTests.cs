using System.Runtime.InteropServices;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// <c>ModelStreamInfer</c> through a client nobody here wrote: Node's <c>@grpc/grpc-js</c> driving a bidirectional
/// stream over the project's <c>.proto</c> (tests/…/Grpc/node/client.js), answers matched by id to the same requests
/// made unary, an error answered on the stream, and <c>triton_grpc_error</c> ending a stream with the error's status.
/// </summary>
public sealed class GrpcNodeStreamTests
{
    [Fact]
    public async Task NodeClient_ModelStreamInfer_AnswersMatchedByIdEqualUnaryErrorsOnTheStream()
    {
        var ct = TestContext.Current.CancellationToken;
        string folder = GrpcNodeClientTests.NodeFolder();
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        if (gateway is null)
        {
            Assert.Skip("the gateway is not built");
            return;
        }

        var rng = new Random(5);
        var requests = Enumerable.Range(0, 8).Select(i => Mlp($"r{i}", [.. Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble())])).ToList();
        var calls = new JsonArray();
        foreach (var request in requests)
        {
            calls.Add(GrpcNodeClientTests.Call("unary:" + request["id"]!.GetValue<string>(), "ModelInfer", (JsonObject)request.DeepClone(), apiKey: GrpcGateway.AdminKey));
        }

        var stream = new JsonArray([.. requests.Select(r => (JsonNode)r.DeepClone())]);
        stream.Insert(3, Mlp("unknown", new float[8], model: "no-such-model"));
        calls.Add(Stream("stream", stream));
        var strict = Stream("strict", new JsonArray(Mlp("wrong-size", new float[5])));
        strict["headers"] = new JsonObject { ["triton_grpc_error"] = "true" };
        calls.Add(strict);
        calls.Add(new JsonObject { ["name"] = "no-key", ["rpc"] = "ModelStreamInfer", ["stream"] = new JsonArray(Mlp("anonymous", new float[8])) });

        var results = await GrpcNodeClientTests.RunNodeAsync(folder, gateway, calls, ct);

        var streamed = results["stream"];
        Assert.True(streamed["ok"]!.GetValue<bool>(), streamed.ToJsonString());
        var answers = streamed["responses"]!.AsArray().ToDictionary(a => a!["infer_response"]!["id"]!.GetValue<string>(), a => a!);
        Assert.Equal([.. stream.Select(r => r!["id"]!.GetValue<string>()).Order()], answers.Keys.Order());
        Assert.Contains("no-such-model", answers["unknown"]["error_message"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var request in requests)
        {
            string id = request["id"]!.GetValue<string>();
            var unary = results["unary:" + id];
            Assert.True(unary["ok"]!.GetValue<bool>(), unary.ToJsonString());
            Assert.Equal("", answers[id]["error_message"]!.GetValue<string>());
            float[] expected = Floats(unary["response"]!["raw_output_contents"]![0]!);
            float[] actual = Floats(answers[id]["infer_response"]!["raw_output_contents"]![0]!);
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6, $"{id}: {p.Second}, unary {p.First}"));
        }

        Assert.Equal(("INVALID_ARGUMENT", 0), (results["strict"]["status"]!.GetValue<string>(), results["strict"]["responses"]!.AsArray().Count));
        Assert.Equal("UNAUTHENTICATED", results["no-key"]["status"]!.GetValue<string>());
    }

    private static JsonObject Stream(string name, JsonArray requests) => new()
    {
        ["name"] = name,
        ["rpc"] = "ModelStreamInfer",
        ["stream"] = requests,
        ["apiKey"] = GrpcGateway.AdminKey,
    };

    private static JsonObject Mlp(string id, float[] values, string model = "example-mlp") => new()
    {
        ["model_name"] = model,
        ["id"] = id,
        ["inputs"] = new JsonArray(new JsonObject { ["name"] = "input", ["datatype"] = "FP32", ["shape"] = new JsonArray(1, values.Length) }),
        ["raw_input_contents"] = new JsonArray(Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()))),
    };

    private static float[] Floats(JsonNode base64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64.GetValue<string>())).ToArray();
}
