namespace MaaS.Models.Tests.OpenInference;

public sealed class V2JsonContextTests
{
    private static string Write(V2InferOutput output) =>
        JsonSerializer.Serialize(new V2InferResponse("m", "1", null, [output]), V2JsonContext.Web.V2InferResponse);

    private static string Data(Array data) => Write(new V2InferOutput("o", "T", [data.Length], data));

    private static string Expected(int count, string data) =>
        $$$"""{"model_name":"m","model_version":"1","outputs":[{"name":"o","datatype":"T","shape":[{{{count}}}],"data":{{{data}}}}]}""";

    public static TheoryData<Array, string> EveryElementType => new()
    {
        { new[] { 0.5f, -2f, 3e38f }, "[0.5,-2,3E+38]" },
        { new[] { 0.25, -1e-300 }, "[0.25,-1E-300]" },
        { new[] { (Half)0.5f, (Half)(-2f) }, "[0.5,-2]" },
        { new[] { long.MinValue, long.MaxValue }, "[-9223372036854775808,9223372036854775807]" },
        { new[] { -1, 7 }, "[-1,7]" },
        { new byte[] { 0, 255 }, "[0,255]" },
        { new sbyte[] { -128, 127 }, "[-128,127]" },
        { new[] { true, false }, "[true,false]" },
        { new[] { "a", "" }, "[\"a\",\"\"]" },
        { Array.Empty<float>(), "[]" },
    };

    [Theory]
    [MemberData(nameof(EveryElementType))]
    public void InferResponse_EveryElementType_FlatJsonArray(Array data, string expected) =>
        Assert.Equal(Expected(data.Length, expected), Data(data));

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void InferResponse_NonFiniteFloats_BareTokensAsTritonWritesThem(float value, string expected)
    {
        Assert.Equal(Expected(3, $"[{expected},1,{expected}]"), Data(new[] { value, 1f, value }));
        Assert.Equal(Expected(2, $"[1,{expected}]"), Data(new[] { 1f, value }));
        Assert.Equal(Expected(2, $"[1,{expected}]"), Data(new[] { 1.0, value }));
        Assert.Equal(Expected(2, $"[1,{expected}]"), Data(new[] { (Half)1f, (Half)value }));
    }

    [Fact]
    public void InferResponse_ElementTypeWithoutJson_Throws() =>
        Assert.Throws<NotSupportedException>(() => Data(new ushort[1]));

    [Fact]
    public void InferResponse_BinaryOutputAndId_SizeInParametersNoData()
    {
        var response = new V2InferResponse(
            "m", "2", "req-1",
            [new V2InferOutput("a", "FP32", [2, 1], null, new V2OutputParameters(8)), new V2InferOutput("b", "INT32", [1], new[] { 3 })]);

        string json = JsonSerializer.Serialize(response, V2JsonContext.Web.V2InferResponse);

        Assert.Equal(
            """{"model_name":"m","model_version":"2","id":"req-1","outputs":[{"name":"a","datatype":"FP32","shape":[2,1],"parameters":{"binary_data_size":8}},{"name":"b","datatype":"INT32","shape":[1],"data":[3]}]}""",
            json);
    }

    [Fact]
    public void Web_NonAsciiAndHtmlCharacters_NotEscaped()
    {
        string json = JsonSerializer.Serialize(new V2ErrorResponse("mod\u00e8le <a> & 'b' \"c\""), V2JsonContext.Web.V2ErrorResponse);

        Assert.Equal("{\"error\":\"mod\u00e8le <a> & 'b' \\\"c\\\"\"}", json);
    }

    [Fact]
    public void Web_SameOptionsAsDefaultButTheEncoder()
    {
        var web = V2JsonContext.Web.Options;
        var standard = V2JsonContext.Default.Options;

        Assert.Same(JsonNamingPolicy.SnakeCaseLower, web.PropertyNamingPolicy);
        Assert.Equal(standard.DefaultIgnoreCondition, web.DefaultIgnoreCondition);
        Assert.Equal(standard.PropertyNameCaseInsensitive, web.PropertyNameCaseInsensitive);
        Assert.Equal(standard.NumberHandling, web.NumberHandling);
        Assert.NotSame(standard.Encoder, web.Encoder);
    }

    [Fact]
    public void InferRequest_CaseInsensitiveNamesUnknownPropertiesIgnored()
    {
        const string json = """{"ID": "x", "Inputs": [{"NAME": "a", "Shape": [2], "DataType": "FP32", "data": [1, 2], "extra": 1}], "outputs": [{"name": "o"}], "more": {}}""";

        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;

        Assert.Equal("x", request.Id);
        var input = Assert.Single(request.Inputs);
        Assert.Equal(("a", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([2L], input.Shape!);
        Assert.Equal(JsonValueKind.Array, input.Data.ValueKind);
        Assert.Equal("o", Assert.Single(request.Outputs!).Name);
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "a", "shape": ["2"], "datatype": "FP32", "data": []}]}""")]
    [InlineData("""{"inputs": [{"name": "a", "shape": [2.5], "datatype": "FP32", "data": []}]}""")]
    [InlineData("""{"inputs": {"name": "a"}}""")]
    public void InferRequest_StrictNumbersAndShapes_NotParsed(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest));

    [Fact]
    public void ModelMetadata_SnakeCaseParametersNullsOmitted()
    {
        var metadata = new V2ModelMetadataResponse(
            "m", ["1", "2"], "onnxruntime_onnx",
            [new V2TensorMetadata("x", "FP32", [-1, 8])], [new V2TensorMetadata("y", "INT64", [-1])],
            new V2ModelParameters(null, "d", ["a"], [], "2", 64, true, "CPUExecutionProvider", null));

        string json = JsonSerializer.Serialize(metadata, V2JsonContext.Web.V2ModelMetadataResponse);

        Assert.Equal(
            """{"name":"m","versions":["1","2"],"platform":"onnxruntime_onnx","inputs":[{"name":"x","datatype":"FP32","shape":[-1,8]}],"outputs":[{"name":"y","datatype":"INT64","shape":[-1]}],"parameters":{"description":"d","labels":["a"],"tags":[],"default_version":"2","max_batch_size":64,"dynamic_batching":true,"execution_provider":"CPUExecutionProvider"}}""",
            json);
    }

    [Fact]
    public void ModelConfig_TritonNames()
    {
        var config = new V2ModelConfigResponse(
            "m", "onnxruntime_onnx", "onnxruntime", 8, [new V2ConfigTensor("x", "TYPE_FP32", [4])], [], new V2DynamicBatching(500, 100));

        string json = JsonSerializer.Serialize(config, V2JsonContext.Web.V2ModelConfigResponse);

        Assert.Equal(
            """{"name":"m","platform":"onnxruntime_onnx","backend":"onnxruntime","max_batch_size":8,"input":[{"name":"x","data_type":"TYPE_FP32","dims":[4]}],"output":[],"dynamic_batching":{"max_queue_delay_microseconds":500,"max_queue_size":100}}""",
            json);
    }

    [Fact]
    public void Statistics_TritonNames()
    {
        var d = new V2StatisticDuration(1, 2);
        var stats = new V2StatisticsResponse([new V2ModelStatistics("m", "1", 3, 4, 5, new V2InferenceStatistics(d, d, d, d, d, d, d, d), [new V2BatchStatistics(2, d, d, d)])]);

        string json = JsonSerializer.Serialize(stats, V2JsonContext.Web.V2StatisticsResponse);

        const string D = """{"count":1,"ns":2}""";
        Assert.Equal(
            $$$"""{"model_stats":[{"name":"m","version":"1","last_inference":3,"inference_count":4,"execution_count":5,"inference_stats":{"success":{{{D}}},"fail":{{{D}}},"queue":{{{D}}},"compute_input":{{{D}}},"compute_infer":{{{D}}},"compute_output":{{{D}}},"cache_hit":{{{D}}},"cache_miss":{{{D}}}},"batch_stats":[{"batch_size":2,"compute_input":{{{D}}},"compute_infer":{{{D}}},"compute_output":{{{D}}}}]}]}""",
            json);
    }

    [Theory]
    [InlineData("""{"ready": true}""", true)]
    [InlineData("""{"ready": false}""", false)]
    [InlineData("""{}""", null)]
    public void RepositoryIndexRequest_ReadyOptional(string json, bool? expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize(json, V2JsonContext.Web.V2RepositoryIndexRequest)!.Ready);

    [Theory]
    [InlineData("""{"ready": null}""", "ready")]
    [InlineData("""{}""", null)]
    [InlineData("""{"ready": true}""", null)]
    public void RepositoryIndexRequest_NullReady_Noted(string json, string? expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize(json, V2JsonContext.Web.V2RepositoryIndexRequest)!.NullMember);

    [Theory]
    [InlineData("""{"version": 3}""", 3L)]
    [InlineData("""{"version": null}""", null)]
    public void SetDefaultVersionRequest_VersionOrNull(string json, long? expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize(json, V2JsonContext.Web.V2SetDefaultVersionRequest)!.Version);
}
