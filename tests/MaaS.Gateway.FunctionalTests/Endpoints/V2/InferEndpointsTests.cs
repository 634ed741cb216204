namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class InferEndpointsTests
{
    private const string MlpInfer = "/v2/models/example-mlp/infer";

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task Infer_ExampleMlp_MatchesPlainComputation(int rows)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        var rng = new Random(100 + rows);
        float[] x = [.. Enumerable.Range(0, rows * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2))];

        var (response, body) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [rows, 8], x));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("example-mlp", body!["model_name"]!.GetValue<string>());
        Assert.Equal("1", body["model_version"]!.GetValue<string>());
        var (logits, probabilities) = ExampleMlp.Reference(x, rows);
        AssertClose(logits, V2Json.Output(body, "logits"), [rows, 3]);
        AssertClose(probabilities, V2Json.Output(body, "probabilities"), [rows, 3]);
    }

    [Fact]
    public async Task Infer_AnswersOfDifferentSizes_EachWholeWithItsContentLength()
    {
        // The JSON answer is serialised into a buffer each thread reuses: a large answer followed by small ones must
        // leave nothing behind, and each answer's Content-Length must be its own length (no chunked framing).
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        var rng = new Random(7);
        foreach (int rows in new[] { 64, 1, 64, 2, 1 })
        {
            float[] x = [.. Enumerable.Range(0, rows * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
            using var content = new StringContent(V2Json.Infer("input", "FP32", [rows, 8], x), Encoding.UTF8, "application/json");
            using var response = await host.Client.PostAsync(MlpInfer, content, TestContext.Current.CancellationToken);
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var body = JsonNode.Parse(bytes)!;
            var (logits, probabilities) = ExampleMlp.Reference(x, rows);
            AssertClose(logits, V2Json.Output(body, "logits"), [rows, 3]);
            AssertClose(probabilities, V2Json.Output(body, "probabilities"), [rows, 3]);
        }
    }

    [Fact]
    public async Task Infer_NestedData_SameAsFlat()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        float[][] nested = [[0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f], [-1f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f, 2.5f]];

        var (nestedResponse, nestedBody) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [2, 8], nested));
        var (_, flatBody) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [2, 8], nested.SelectMany(r => r).ToArray()));

        Assert.Equal(HttpStatusCode.OK, nestedResponse.StatusCode);
        Assert.Equal(V2Json.Floats(V2Json.Output(flatBody, "probabilities")), V2Json.Floats(V2Json.Output(nestedBody, "probabilities")));
        var (_, expected) = ExampleMlp.Reference(nested.SelectMany(r => r).ToArray(), 2);
        AssertClose(expected, V2Json.Output(nestedBody, "probabilities"), [2, 3]);
    }

    [Fact]
    public async Task Infer_IdAndParameters_IdEchoedParametersTolerated()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        var request = JsonNode.Parse(V2Json.Infer("input", "FP32", [1, 8], new float[8], id: "req-42"))!;
        request["parameters"] = new JsonObject { ["priority"] = 1, ["tag"] = "x" };
        request["inputs"]![0]!["parameters"] = new JsonObject { ["binary_data"] = false };

        var (response, body) = await host.PostJsonAsync(MlpInfer, request.ToJsonString());
        var (_, withoutId) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [1, 8], new float[8]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-42", body!["id"]!.GetValue<string>());
        Assert.Null(withoutId!["id"]);
    }

    [Fact]
    public async Task Infer_OutputsSelection_ReturnsOnlyRequested()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [1, 8], new float[8], outputs: ["logits"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = body!["outputs"]!.AsArray();
        Assert.Single(outputs);
        Assert.Equal("logits", outputs[0]!["name"]!.GetValue<string>());
        Assert.Equal("FP32", outputs[0]!["datatype"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", "unknown model")]
    [InlineData("/v2/models/example-mlp/versions/7/infer", "unknown version 7")]
    public async Task Infer_UnknownModelOrVersion_404WithError(string path, string expected)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.PostJsonAsync(path, V2Json.Infer("input", "FP32", [1, 8], new float[8]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(expected, body!["error"]!.GetValue<string>());
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { V2Json.Infer("input", "FP64", [1, 8], new double[8]), "expects FP32" },
        { V2Json.Infer("input", "FP99", [1, 8], new float[8]), "unknown datatype" },
        { V2Json.Infer("input", "FP32", [1, 7], new float[7]), "shape" },
        { V2Json.Infer("input", "FP32", [8], new float[8]), "rank" },
        { V2Json.Infer("input", "FP32", [2, 8], new float[8]), "needs 16" },
        { V2Json.Infer("input", "FP32", [1, 8], new float[9]), "needs 8" },
        { V2Json.Infer("input", "FP32", [65, 8], new float[65 * 8]), "batch size 65" },
        { V2Json.Infer("pixels", "FP32", [1, 8], new float[8]), "unexpected inference input 'pixels'" },
        { V2Json.Infer("input", "FP32", [1, 8], new object[] { 1, 2, 3, 4, 5, 6, 7, "x" }), "element 7" },
        { V2Json.Infer("input", "FP32", [1, 8], new float[8], outputs: ["nothing"]), "unexpected inference output 'nothing'" },
        { "{ \"inputs\": [ { \"name\": \"input\", ", "parse" },
        { "{ \"inputs\": [] }", "at least one input" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Infer_BadInput_400WithError(string json, string expected)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.PostJsonAsync(MlpInfer, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_Int64AndFp64Inputs_ComputesSumAndScaledSum()
    {
        await using var host = GatewayHost.Start(r => r.WithMixedTypes());
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                V2Json.Input("ids", "INT64", [2, 4], new long[] { 1, 2, 3, 4, 10_000_000_000, 0, -5, 5 }),
                V2Json.Input("scale", "FP64", [2, 1], new[] { 0.5, 1e-3 })),
        };

        var (response, body) = await host.PostJsonAsync("/v2/models/mixed/infer", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sum = V2Json.Output(body, "sum")!;
        Assert.Equal("INT64", sum["datatype"]!.GetValue<string>());
        Assert.Equal([10L, 10_000_000_000L], sum["data"]!.AsArray().Select(n => n!.GetValue<long>()));
        var scaled = V2Json.Output(body, "scaled")!;
        Assert.Equal("FP64", scaled["datatype"]!.GetValue<string>());
        Assert.Equal([5.0, 1e7], scaled["data"]!.AsArray().Select(n => n!.GetValue<double>()));
    }

    [Fact]
    public async Task Infer_BoolAndInt32Inputs_NotAndNeg()
    {
        await using var host = GatewayHost.Start(r => r.WithBoolInt32());
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(
                V2Json.Input("flags", "BOOL", [1, 3], new[] { true, false, true }),
                V2Json.Input("values", "INT32", [1, 3], new[] { 1, -2, int.MaxValue })),
        };

        var (response, body) = await host.PostJsonAsync("/v2/models/flags/infer", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([false, true, false], V2Json.Output(body, "inverted")!["data"]!.AsArray().Select(n => n!.GetValue<bool>()));
        Assert.Equal([-1, 2, -int.MaxValue], V2Json.Output(body, "negated")!["data"]!.AsArray().Select(n => n!.GetValue<int>()));
    }

    [Fact]
    public async Task Infer_BytesInput_Echoed()
    {
        await using var host = GatewayHost.Start(r => r.WithStrings());

        var (response, body) = await host.PostJsonAsync("/v2/models/echo/infer", V2Json.Infer("text", "BYTES", [2], new[] { "héllo", "" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = V2Json.Output(body, "echo")!;
        Assert.Equal("BYTES", echo["datatype"]!.GetValue<string>());
        Assert.Equal(["héllo", ""], echo["data"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Theory]
    [InlineData(true, "outside [0, 9]")]
    [InlineData(false, "")]
    public async Task Infer_IdOutOfRange_400NotServerError(bool declareRange, string expected)
    {
        await using var host = GatewayHost.Start(r => r.WithGather(declareRange: declareRange));

        var (response, body) = await host.PostJsonAsync("/v2/models/embed/infer", V2Json.Infer("ids", "INT64", [1, 2], new long[] { 3, 10 }));
        var (ok, okBody) = await host.PostJsonAsync("/v2/models/embed/infer", V2Json.Infer("ids", "INT64", [1, 2], new long[] { 3, 9 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal([6f, 7f, 18f, 19f], V2Json.Floats(V2Json.Output(okBody, "vectors")));
    }

    private static void AssertClose(float[] expected, JsonNode? output, long[] shape)
    {
        Assert.NotNull(output);
        Assert.Equal(shape, output["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
        float[] actual = V2Json.Floats(output);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{output["name"]} element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
