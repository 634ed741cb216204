namespace MaaS.Models.Tests.OpenInference;

/// <summary>
/// The one-pass decode of JSON <c>data</c> (<see cref="V2InferInputConverter"/> reading straight into the tensor's
/// buffer when name, datatype and shape come first) against the late decode of the same data kept as an element (data
/// written first): both orders must give the same tensor or the same first problem.
/// </summary>
public sealed class V2JsonTensorReaderTests
{
    private static Result<InferTensor[]> Decode(string json)
    {
        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;
        return V2TensorCodec.DecodeAll(request.Inputs, [], hasBinaryPart: false);
    }

    private static string DeclarationFirst(string datatype, string shape, string data) =>
        $$$"""{"inputs": [{"name": "x", "datatype": "{{{datatype}}}", "shape": {{{shape}}}, "data": {{{data}}}}]}""";

    private static string DataFirst(string datatype, string shape, string data) =>
        $$$"""{"inputs": [{"data": {{{data}}}, "shape": {{{shape}}}, "datatype": "{{{datatype}}}", "name": "x"}]}""";

    /// <summary>Decodes both member orders and checks they agree; returns the one-pass result.</summary>
    private static Result<InferTensor[]> BothOrders(string datatype, string shape, string data)
    {
        var onePass = Decode(DeclarationFirst(datatype, shape, data));
        var late = Decode(DataFirst(datatype, shape, data));

        Assert.Equal(onePass.IsSuccess, late.IsSuccess);
        if (onePass.IsSuccess)
        {
            Assert.Equal(late.Value[0].Data, onePass.Value[0].Data);
            Assert.Equal(late.Value[0].Data.GetType(), onePass.Value[0].Data.GetType());
        }
        else
        {
            Assert.Equal(late.Error?.Message, onePass.Error.Message);
        }

        return onePass;
    }

    private static void AssertInvalid(Result<InferTensor[]> result, string expected)
    {
        Assert.False(result.IsSuccess, "decoded");
        Assert.Equal(ErrorCode.InvalidRequest, result.Error.Code);
        Assert.True(result.Error.Message.Contains(expected, StringComparison.Ordinal), $"'{result.Error.Message}' lacks '{expected}'");
    }

    [Fact]
    public void Read_DeclarationFirst_DecodedWhileParsing()
    {
        var request = JsonSerializer.Deserialize(DeclarationFirst("FP32", "[2]", "[1.5, -2]"), V2JsonContext.Web.V2InferRequest)!;

        var data = Assert.Single(request.Inputs).Data;
        Assert.Equal(JsonValueKind.Array, data.ValueKind);
        Assert.NotNull(data.Decoded);
        Assert.Equal(new[] { 1.5f, -2f }, data.Decoded.Data);
    }

    [Fact]
    public void Read_DataFirst_KeptForTheCodecAndDecodedThere()
    {
        var request = JsonSerializer.Deserialize(DataFirst("FP32", "[2]", "[1.5, -2]"), V2JsonContext.Web.V2InferRequest)!;

        var data = Assert.Single(request.Inputs).Data;
        Assert.Null(data.Decoded);
        Assert.Equal(JsonValueKind.Array, data.Element.ValueKind);
        Assert.Equal(new[] { 1.5f, -2f }, Decode(DataFirst("FP32", "[2]", "[1.5, -2]")).Value[0].Data);
    }

    [Theory]
    [InlineData("FP32", "[2, 3]", "[[1, 2, 3], [4, 5, 6]]")]
    [InlineData("FP32", "[2, 3]", "[1, 2, 3, 4, 5, 6]")]
    [InlineData("INT64", "[2, 1, 2]", "[[[9007199254740993, -1]], [[0, 9223372036854775807]]]")]
    [InlineData("FP64", "[3]", "[0.1, 1e-320, -1.7976931348623157e308]")]
    [InlineData("FP16", "[2]", "[[0.333], [65504]]")]
    [InlineData("INT8", "[2]", "[-128, 127]")]
    [InlineData("UINT8", "[2]", "[[0], [255]]")]
    [InlineData("BOOL", "[2]", "[[true], false]")]
    [InlineData("BYTES", "[2]", "[\"a\\u00e9\\\"\", \"\"]")]
    public void Read_NestedAndFlat_BothOrdersEqual(string datatype, string shape, string data) =>
        Assert.True(BothOrders(datatype, shape, data).IsSuccess);

    [Fact]
    public void Read_Fp32_ExactlyTheNearestFloat()
    {
        // float.Parse rounds once to the nearest float; a double then a float would round twice.
        var tensor = Assert.Single(BothOrders("FP32", "[2]", "[1.00000005960464477539062500001, 0.1]").Value);

        Assert.Equal(new[] { float.Parse("1.00000005960464477539062500001", CultureInfo.InvariantCulture), 0.1f }, tensor.Data);
    }

    [Theory]
    [InlineData("[2, 2]", "[[1, 2], [3]]", "has 3 elements but shape [2,2] needs 4")]
    [InlineData("[2, 2]", "[[1, 2], [3, 4], [5, \"x\"]]", "has 6 elements but shape [2,2] needs 4")]
    [InlineData("[1]", "[[[]]]", "has 0 elements but shape [1] needs 1")]
    public void Read_WrongShape_CountsEveryElement(string shape, string data, string expected) =>
        AssertInvalid(BothOrders("INT32", shape, data), expected);

    [Theory]
    [InlineData("INT64", "[-9223372036854775809]", "-9223372036854775809")]
    [InlineData("INT32", "[1e400]", "1e400")]
    [InlineData("UINT8", "[255.0]", "255.0")]
    [InlineData("FP32", "[\"NaN\"]", "\"NaN\"")]
    [InlineData("FP64", "[\"-Infinity\"]", "\"-Infinity\"")]
    [InlineData("FP32", "[[1], {\"a\": [1, 2]}]", "{\"a\": [1, 2]}")]
    [InlineData("BOOL", "[false, 0]", "0")]
    public void Read_ValueNotOfTheDatatype_FirstOneNamedInBothOrders(string datatype, string data, string element) =>
        AssertInvalid(BothOrders(datatype, "[2]", data), $"({element}) is not a valid {datatype} value");

    [Fact]
    public void Read_BadElementThenMoreInputs_RestOfTheBodyStillParsed()
    {
        const string json = """
            {"inputs": [
              {"name": "a", "datatype": "INT32", "shape": [3], "data": [[1, "x", [2, 3]], {"k": [4]}]},
              {"name": "b", "datatype": "INT32", "shape": [1], "data": [5]}],
             "outputs": [{"name": "y"}]}
            """;

        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;

        Assert.Equal(2, request.Inputs.Count);
        Assert.Equal("y", Assert.Single(request.Outputs!).Name);
        AssertInvalid(V2TensorCodec.DecodeAll(request.Inputs, [], false), "input 'a' element 1 (\"x\")");
    }

    [Fact]
    public void Read_TooDeep_RefusedAndRestOfTheBodyParsed()
    {
        string deep = new string('[', 34) + "1" + new string(']', 34);
        string json = $$"""{"inputs": [{"name": "x", "datatype": "INT32", "shape": [1], "data": {{deep}}}, {"name": "z", "datatype": "INT32", "shape": [1], "data": [1]}]}""";

        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;

        Assert.Equal("z", request.Inputs[1].Name);
        AssertInvalid(V2TensorCodec.DecodeAll(request.Inputs, [], false), "nests data deeper than 32 levels");
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [NaN]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1,]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": 32, "shape": [1], "data": [1]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "shape": 1, "data": [1]}]}""")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "parameters": [], "data": [1]}]}""")]
    [InlineData("""{"inputs": ["x"]}""")]
    public void Read_NotTheContract_JsonException(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest));

    [Fact]
    public void Read_DeclarationRepeatedAfterData_Refused()
    {
        const string json = """{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1], "datatype": "INT64"}]}""";

        AssertInvalid(Decode(json), "gives its name, datatype or shape again after its data");
    }

    [Fact]
    public void Read_NullMembersAndParameters_AsTheContractNotesThem()
    {
        const string json = """{"inputs": [{"NAME": "x", "DataType": "FP32", "shape": null, "Parameters": {"binary_data_size": 4}, "data": [1]}]}""";

        var input = Assert.Single(JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!.Inputs);

        Assert.Equal(("x", "FP32"), (input.Name, input.Datatype));
        Assert.Null(input.Shape);
        Assert.Equal("shape", input.NullMember);
        Assert.Equal(4, input.Parameters!["binary_data_size"].GetInt64());
    }

    [Fact]
    public void Read_RandomTensors_SameAsTheirValues()
    {
        var random = new Random(18);
        for (int trial = 0; trial < 50; trial++)
        {
            int rows = random.Next(1, 5), columns = random.Next(1, 40);
            float[] values = [.. Enumerable.Range(0, rows * columns).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 9))))];
            string nested = "[" + string.Join(", ", Enumerable.Range(0, rows).Select(r =>
                "[" + string.Join(", ", values.Skip(r * columns).Take(columns).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]";

            var tensor = Assert.Single(BothOrders("FP32", $"[{rows}, {columns}]", nested).Value);

            Assert.Equal(values, tensor.Data);
        }
    }
}
