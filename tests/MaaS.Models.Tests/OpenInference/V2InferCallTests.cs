namespace MaaS.Models.Tests.OpenInference;

public sealed class V2InferCallTests
{
    /// <summary>
    /// Only a call that names a region gets a shared memory call (allocated per request otherwise): a region on an input
    /// or on a requested output names one; other parameters, or a byte size without a region (refused later), do not.
    /// </summary>
    [Theory]
    [InlineData(null, null, false)]
    [InlineData("{\"binary_data_size\":32}", "{\"binary_data\":true}", false)]
    [InlineData("{\"shared_memory_byte_size\":32}", null, false)]
    [InlineData("{\"shared_memory_region\":\"in\",\"shared_memory_byte_size\":32}", null, true)]
    [InlineData(null, "{\"shared_memory_region\":\"out\",\"shared_memory_byte_size\":12}", true)]
    public void NamesSharedMemory_RegionOnAnInputOrOutput_OnlyThen(string? input, string? output, bool names)
    {
        static Dictionary<string, JsonElement>? Parameters(string? json) =>
            json is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json);
        var request = new V2InferRequest
        {
            Inputs = [new V2InferInput { Name = "input", Parameters = Parameters(input) }],
            Outputs = [new V2RequestedOutput { Name = "probabilities", Parameters = Parameters(output) }],
        };

        Assert.Equal(names, V2InferCall.NamesSharedMemory(request));
    }

    private static Result<V2InferCall> Decode(string json, byte[]? binary = null)
    {
        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;
        return V2InferCall.Decode(binary is null ? V2InferBody.Json(request) : V2InferBody.WithBinary(request, binary));
    }

    private static readonly InferenceResponse Response = new(
        "m", 3,
        [InferTensor.Fp32("logits", [1f, -2f], 1, 2), InferTensor.Int64("ids", [7L], 1), InferTensor.Bytes("label", ["\u00e9t\u00e9"], 1)],
        default);

    [Fact]
    public void Decode_Request_TensorsOutputNamesAndId()
    {
        const string json = """
            {"id": "r1", "inputs": [{"name": "x", "datatype": "INT32", "shape": [2], "data": [1, 2]}],
             "outputs": [{"name": "b"}, {"name": "a", "parameters": {"binary_data": true}}]}
            """;

        var call = Decode(json).Value;

        Assert.Equal("r1", call.Id);
        Assert.Equal(new[] { 1, 2 }, Assert.Single(call.Request.Inputs).Data);
        Assert.Equal(["b", "a"], call.Request.Outputs!);
        Assert.True(call.Encoding.IsBinary("a"));
        Assert.False(call.Encoding.IsBinary("b"));
    }

    [Fact]
    public void Decode_NoOutputsListed_AllOutputs() =>
        Assert.Null(Decode("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}]}""").Value.Request.Outputs);

    [Theory]
    [InlineData("""{"inputs": []}""", "the request needs at least one input")]
    [InlineData("""{}""", "the request needs at least one input")]
    [InlineData("""{"inputs": null}""", "'inputs' is null")]
    [InlineData("""{"id": null, "inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}]}""", "'id' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}, null]}""", "'inputs[1]' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": null, "shape": [1], "data": [true]}]}""", "'inputs[0].datatype' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true], "parameters": {"a": [1, {"b": null}]}}]}""", "'inputs[0].parameters.a[1].b' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}], "outputs": [{"name": "y"}, null]}""", "'outputs[1]' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}], "outputs": [{"name": null, "parameters": {"binary_data": true}}]}""", "'outputs[0].name' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}], "outputs": null}""", "'outputs' is null")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [2]}], "parameters": {"binary_data_output": 1}}""", "binary_data_output number")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [2]}]}""", "element 0 (2) is not a valid BOOL value")]
    public void Decode_FirstProblem_Refused(string json, string expected)
    {
        var result = Decode(json);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.True(result.Error!.Message.Contains(expected, StringComparison.Ordinal), $"{json}: '{result.Error.Message}' lacks '{expected}'");
    }

    [Fact]
    public void Decode_BinaryBody_InputsTakeTheBinaryPart()
    {
        const string json = """{"inputs": [{"name": "x", "datatype": "INT8", "shape": [2], "parameters": {"binary_data_size": 2}}]}""";

        Assert.Equal(new sbyte[] { -1, 5 }, Decode(json, [0xFF, 5]).Value.Request.Inputs[0].Data);
    }

    [Fact]
    public void Encode_AllJson_DataInlineNoBlobs()
    {
        var call = Decode("""{"id": "r", "inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}]}""").Value;

        var answer = call.Encode(Response, out var blobs).Value;

        Assert.Null(blobs);
        Assert.Equal(("m", "3", "r"), (answer.ModelName, answer.ModelVersion, answer.Id));
        Assert.Equal(["FP32", "INT64", "BYTES"], answer.Outputs.Select(o => o.Datatype));
        Assert.All(answer.Outputs, o => Assert.Null(o.Parameters));
        Assert.Same(Response.Outputs[0].Data, answer.Outputs[0].Data);
        Assert.Equal([1L, 2L], answer.Outputs[0].Shape);
    }

    [Fact]
    public void Encode_SomeBinary_BlobsInOutputOrderWithTheirEncodedSizes()
    {
        const string json = """
            {"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1], "data": [true]}],
             "parameters": {"binary_data_output": true}, "outputs": [{"name": "ids", "parameters": {"binary_data": false}}]}
            """;
        var call = Decode(json).Value;

        var answer = call.Encode(Response, out var blobs).Value;

        Assert.NotNull(blobs);
        Assert.Equal([Response.Outputs[0].Data, Response.Outputs[2].Data], blobs);
        Assert.Null(answer.Outputs[0].Data);
        Assert.Equal(8, answer.Outputs[0].Parameters?.BinaryDataSize);
        Assert.Same(Response.Outputs[1].Data, answer.Outputs[1].Data);
        Assert.Null(answer.Outputs[1].Parameters);
        Assert.Equal(4 + 5, answer.Outputs[2].Parameters?.BinaryDataSize);
    }
}
