namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class BinaryInferTests
{
    private const string MlpInfer = "/v2/models/example-mlp/infer";

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task Infer_BinaryInputJsonOutput_MatchesJsonInputAndReference(int rows)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        float[] x = Features(rows, seed: 300 + rows);
        string json = $$$"""{"inputs":[{"name":"input","shape":[{{{rows}}},8],"datatype":"FP32","parameters":{"binary_data_size":{{{x.Length * 4}}}}}]}""";
        byte[] body = BinaryTensorClient.Body(json, BinaryTensorClient.Bytes(x));

        var binary = await BinaryTensorClient.SendAsync(host, MlpInfer, body, json.Length.ToString(CultureInfo.InvariantCulture), "application/octet-stream");
        var (_, jsonBody) = await host.PostJsonAsync(MlpInfer, V2Json.Infer("input", "FP32", [rows, 8], x));

        Assert.Equal(HttpStatusCode.OK, binary.Status);
        Assert.False(binary.HasHeaderLength, "no binary outputs were asked for, so the answer is plain JSON");
        Assert.Equal("application/json", binary.ContentType);
        AssertMatchesReference(x, rows, binary, $"rows {rows} vs reference");
        AssertClose(V2Json.Floats(V2Json.Output(jsonBody, "probabilities")), binary.Floats("probabilities"), $"rows {rows} binary vs JSON input");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task Infer_BinaryOutputs_SplitByHeaderLengthMatchReference(int rows)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        float[] x = Features(rows, seed: 400 + rows);
        string json = $$$"""{"id":"b{{{rows}}}","inputs":[{"name":"input","shape":[{{{rows}}},8],"datatype":"FP32","parameters":{"binary_data_size":{{{x.Length * 4}}}}}],"outputs":[{"name":"probabilities","parameters":{"binary_data":true}},{"name":"logits","parameters":{"binary_data":true}}]}""";

        var answer = await BinaryTensorClient.SendWithBlobsAsync(host, MlpInfer, json, BinaryTensorClient.Bytes(x));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.HasHeaderLength);
        Assert.Equal("application/octet-stream", answer.ContentType);
        Assert.Equal($"b{rows}", answer.Json!["id"]!.GetValue<string>());
        var outputs = answer.Json["outputs"]!.AsArray();
        Assert.Equal(["probabilities", "logits"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        Assert.All(outputs, o => Assert.Null(o!["data"]));
        Assert.All(outputs, o => Assert.Equal(rows * 3 * 4, o!["parameters"]!["binary_data_size"]!.GetValue<int>()));
        Assert.Equal(2 * rows * 3 * 4, answer.Binary.Length);
        AssertMatchesReference(x, rows, answer, $"rows {rows}");
    }

    [Fact]
    public async Task Infer_MixedOutputsAndRequestLevelFlag_PerOutputOverrides()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        float[] x = Features(2, seed: 7);
        string mixed = $$$"""{"inputs":[{"name":"input","shape":[2,8],"datatype":"FP32","data":[{{{string.Join(',', x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}}]}],"outputs":[{"name":"logits","parameters":{"binary_data":true}},{"name":"probabilities"}]}""";
        string flag = """{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","shape":[2,8],"datatype":"FP32","parameters":{"binary_data_size":64}}]}""";
        string overridden = """{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","shape":[2,8],"datatype":"FP32","parameters":{"binary_data_size":64}}],"outputs":[{"name":"probabilities","parameters":{"binary_data":false}},{"name":"logits"}]}""";

        var a = await BinaryTensorClient.SendAsync(host, MlpInfer, BinaryTensorClient.Body(mixed), null, "application/json");
        var b = await BinaryTensorClient.SendWithBlobsAsync(host, MlpInfer, flag, BinaryTensorClient.Bytes(x));
        var c = await BinaryTensorClient.SendWithBlobsAsync(host, MlpInfer, overridden, BinaryTensorClient.Bytes(x));

        foreach (var (name, answer, binaryLogits, binaryProbabilities) in new[] { ("mixed", a, true, false), ("flag", b, true, true), ("overridden", c, true, false) })
        {
            Assert.True(answer.Status == HttpStatusCode.OK, $"{name}: {answer.Status} {answer.Json}");
            Assert.True(answer.HasHeaderLength, name);
            Assert.True((answer.Blob("logits") is not null) == binaryLogits, $"{name}: logits binary should be {binaryLogits}");
            Assert.True((answer.Blob("probabilities") is not null) == binaryProbabilities, $"{name}: probabilities binary should be {binaryProbabilities}");
            Assert.True((V2Json.Output(answer.Json, "probabilities")!["data"] is not null) != binaryProbabilities, $"{name}: JSON data iff not binary");
            AssertMatchesReference(x, 2, answer, name);
        }
    }

    [Fact]
    public async Task Infer_TritonClientHttpRequestBytes_Works()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        float[] x = Features(2, seed: 11);
        // What tritonclient.http sends for infer(model, [InferInput set_data_from_numpy(binary_data=True)]) with no
        // outputs: json.dumps (", " and ": " separators), binary_data_output in the request parameters, the raw numpy
        // bytes after the JSON, Inference-Header-Content-Length and no Content-Type.
        string json = """{"inputs": [{"name": "input", "shape": [2, 8], "datatype": "FP32", "parameters": {"binary_data_size": 64}}], "parameters": {"binary_data_output": true}}""";

        var answer = await BinaryTensorClient.SendWithBlobsAsync(host, MlpInfer, json, BinaryTensorClient.Bytes(x));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.HasHeaderLength);
        Assert.Equal("example-mlp", answer.Json!["model_name"]!.GetValue<string>());
        AssertMatchesReference(x, 2, answer, "tritonclient");
        Assert.Equal([2L, 3L], answer.Json["outputs"]![0]!["shape"]!.AsArray().Select(n => n!.GetValue<long>()));
    }

    [Fact]
    public async Task Infer_BinaryBytesInAndOut_Echoed()
    {
        await using var host = GatewayHost.Start(r => r.WithStrings());
        byte[] blob = BinaryTensorClient.Strings("héllo", "", "wörld");
        string json = $$$"""{"inputs":[{"name":"text","shape":[3],"datatype":"BYTES","parameters":{"binary_data_size":{{{blob.Length}}}}}],"outputs":[{"name":"echo","parameters":{"binary_data":true}}]}""";

        var answer = await BinaryTensorClient.SendWithBlobsAsync(host, "/v2/models/echo/infer", json, blob);

        Assert.True(answer.Status == HttpStatusCode.OK, answer.Json?.ToJsonString());
        Assert.Equal(blob, answer.Blob("echo"));
    }

    public static TheoryData<string, string, byte[], string?, string> Malformed()
    {
        const string Fp32 = """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":SIZE}}]}""";
        byte[] eight = BinaryTensorClient.Bytes(new float[8]);
        string Sized(object size) => Fp32.Replace("SIZE", size.ToString());
        return new()
        {
            { "header not a number", Sized(32), eight, "abc", "non-negative integer" },
            { "header negative", Sized(32), eight, "-1", "non-negative integer" },
            { "header fractional", Sized(32), eight, "1.5", "non-negative integer" },
            { "header past the body", Sized(32), eight, "100000", "body has only" },
            { "bytes left over", Sized(32), [.. eight, 0, 0, 0, 0], null, "add up to 32" },
            { "size past the body", Sized(36), eight, null, "only 32 bytes" },
            { "size not shape x element", Sized(28), eight[..28], null, "needs 8 FP32 elements = 32 bytes" },
            { "size a string", Sized("\"32\""), eight, null, "non-negative integer is expected" },
            { "size negative", Sized(-32), eight, null, "non-negative integer is expected" },
            {
                "data and size", """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8],"parameters":{"binary_data_size":32}}]}""",
                eight, null, "both 'data' and parameters.binary_data_size"
            },
            { "size without header", Sized(32), [], "none", "no Inference-Header-Content-Length" },
            {
                "binary_data not a bool", """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","parameters":{"binary_data_size":32}}],"outputs":[{"name":"logits","parameters":{"binary_data":"yes"}}]}""",
                eight, null, "true or false"
            },
            { "truncated JSON header", Sized(32), eight, "10", "parse" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Infer_MalformedBinaryRequest_400WithError(string name, string json, byte[] binary, string? header, string expected)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        // null: the JSON's real length; "none": no header at all (the JSON alone is the body).
        string? headerValue = header switch { null => json.Length.ToString(CultureInfo.InvariantCulture), "none" => null, _ => header };

        var answer = await BinaryTensorClient.SendAsync(host, MlpInfer, BinaryTensorClient.Body(json, binary), headerValue);

        Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{name}: {answer.Status} {answer.Json}");
        string? error = answer.Json?["error"]?.GetValue<string>();
        Assert.True(error is not null && error.Contains(expected, StringComparison.Ordinal), $"{name}: expected an error containing '{expected}', got {answer.Json}");
    }

    [Fact]
    public async Task Infer_BoolByteNotZeroOrOne_400WithError()
    {
        await using var host = GatewayHost.Start(r => r.WithBoolInt32());
        string json = """{"inputs":[{"name":"flags","shape":[1,3],"datatype":"BOOL","parameters":{"binary_data_size":3}},{"name":"values","shape":[1,3],"datatype":"INT32","data":[1,2,3]}]}""";

        var bad = await BinaryTensorClient.SendWithBlobsAsync(host, "/v2/models/flags/infer", json, [1, 2, 0]);
        var ok = await BinaryTensorClient.SendWithBlobsAsync(host, "/v2/models/flags/infer", json, [1, 0, 1]);

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("element 1 is byte 2", bad.Json!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal([false, true, false], V2Json.Output(ok.Json, "inverted")!["data"]!.AsArray().Select(n => n!.GetValue<bool>()));
    }

    [Fact]
    public async Task Infer_BinaryBodyOverLimit_413WithError()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp(), new Dictionary<string, string?> { ["Auth:Limits:MaxRequestBodyBytes"] = "2048" });
        float[] x = new float[64 * 8];
        string json = $$$"""{"inputs":[{"name":"input","shape":[64,8],"datatype":"FP32","parameters":{"binary_data_size":{{{x.Length * 4}}}}}]}""";
        byte[] body = BinaryTensorClient.Body(json, BinaryTensorClient.Bytes(x));

        var answer = await BinaryTensorClient.SendAsync(host, MlpInfer, body, json.Length.ToString(CultureInfo.InvariantCulture));

        Assert.True(answer.Status == HttpStatusCode.RequestEntityTooLarge, $"{body.Length} bytes over a 2048-byte limit: {answer.Status} {answer.Json}");
        Assert.Contains("at most 2048", answer.Json?["error"]?.GetValue<string>() ?? "");
    }

    private static float[] Features(int rows, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, rows * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
    }

    // The answer's logits and probabilities against the example MLP's own reference for the same features.
    private static void AssertMatchesReference(float[] x, int rows, BinaryAnswer answer, string what)
    {
        var (logits, probabilities) = ExampleMlp.Reference(x, rows);
        AssertClose(logits, answer.Floats("logits"), $"{what} logits");
        AssertClose(probabilities, answer.Floats("probabilities"), $"{what} probabilities");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{what} element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
