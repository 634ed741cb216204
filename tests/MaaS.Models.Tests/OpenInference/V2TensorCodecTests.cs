namespace MaaS.Models.Tests.OpenInference;

public sealed class V2TensorCodecTests
{
    /// <summary>Parses <paramref name="json"/> as the gateway does, then decodes its inputs.</summary>
    private static Result<InferTensor[]> Decode(string json, byte[]? binary = null)
    {
        var request = JsonSerializer.Deserialize(json, V2JsonContext.Web.V2InferRequest)!;
        return V2TensorCodec.DecodeAll(request.Inputs, binary ?? [], hasBinaryPart: binary is not null);
    }

    private static string Input(string datatype, string shape, string data, string name = "x") =>
        $$$"""{"inputs": [{"name": "{{{name}}}", "datatype": "{{{datatype}}}", "shape": {{{shape}}}, "data": {{{data}}}}]}""";

    private static InferTensor Single(string json)
    {
        var result = Decode(json);
        Assert.True(result.IsSuccess, $"{json}: {result.Error?.Message}");
        return Assert.Single(result.Value);
    }

    private static void AssertInvalid(string json, string expected, byte[]? binary = null)
    {
        var result = Decode(json, binary);
        Assert.False(result.IsSuccess, $"{json} decoded");
        Assert.Equal(ErrorCode.InvalidRequest, result.Error.Code);
        Assert.True(result.Error.Message.Contains(expected, StringComparison.Ordinal), $"{json}: '{result.Error.Message}' lacks '{expected}'");
    }

    public static TheoryData<string, string, Array> EveryDatatype => new()
    {
        { "BOOL", "[true, false, true]", new[] { true, false, true } },
        { "UINT8", "[0, 7, 255]", new byte[] { 0, 7, 255 } },
        { "INT8", "[-128, 0, 127]", new sbyte[] { -128, 0, 127 } },
        { "INT32", "[-2147483648, 0, 2147483647]", new[] { int.MinValue, 0, int.MaxValue } },
        { "INT64", "[-9223372036854775808, 0, 9223372036854775807]", new[] { long.MinValue, 0, long.MaxValue } },
        { "FP16", "[0.5, -2, 65504]", new[] { (Half)0.5f, (Half)(-2f), Half.MaxValue } },
        { "FP32", "[0.1, -1.5e-3, 3.4e38]", new[] { 0.1f, -1.5e-3f, 3.4e38f } },
        { "FP64", "[0.1, -1.5e-300, 1.7e308]", new[] { 0.1, -1.5e-300, 1.7e308 } },
        { "BYTES", "[\"a\", \"\", \"h\u00e9\"]", new[] { "a", "", "h\u00e9" } },
    };

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public void DecodeAll_EveryDatatype_TypedArrayWithTheValues(string datatype, string data, Array expected)
    {
        var tensor = Single(Input(datatype, "[3]", data));

        Assert.True(TensorDataTypes.TryParse(datatype, out var type));
        Assert.Equal(type, tensor.DataType);
        Assert.Equal(expected.GetType(), tensor.Data.GetType());
        Assert.Equal(expected, tensor.Data);
        Assert.Equal([3L], tensor.Shape);
    }

    [Fact]
    public void DecodeAll_NestedData_SameAsFlatInRowMajorOrder()
    {
        var nested = Single(Input("INT64", "[2, 2, 2]", "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]"));
        var flat = Single(Input("INT64", "[2, 2, 2]", "[1, 2, 3, 4, 5, 6, 7, 8]"));

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }, nested.Data);
        Assert.Equal(flat.Data, nested.Data);
    }

    [Fact]
    public void DecodeAll_NestingUnevenButRightCount_AcceptedAsFlat()
    {
        // The protocol only asks for row-major order; how the client groups elements is not checked.
        var tensor = Single(Input("INT32", "[2, 2]", "[[1], [2, 3], 4]"));

        Assert.Equal(new[] { 1, 2, 3, 4 }, tensor.Data);
    }

    [Fact]
    public void DecodeAll_NestedDeeperThan32_Refused() =>
        AssertInvalid(Input("INT32", "[1]", new string('[', 34) + "1" + new string(']', 34)), "nests data deeper than 32 levels");

    [Fact]
    public void DecodeAll_ScalarShape_OneElement() =>
        Assert.Equal(new[] { 2.5f }, Single(Input("FP32", "[]", "[2.5]")).Data);

    [Fact]
    public void DecodeAll_ZeroSizedShape_EmptyArray() =>
        Assert.Empty(Single(Input("FP32", "[0, 4]", "[]")).Data);

    [Theory]
    [InlineData("[2, 3]", "[1, 2, 3, 4, 5]", "has 5 elements but shape [2,3] needs 6")]
    [InlineData("[2, 3]", "[1, 2, 3, 4, 5, 6, 7]", "has 7 elements but shape [2,3] needs 6")]
    [InlineData("[2]", "[[1, 2], [3, 4], [5]]", "has 5 elements but shape [2] needs 2")]
    [InlineData("[1]", "[]", "has 0 elements but shape [1] needs 1")]
    public void DecodeAll_WrongElementCount_SaysHowManyAndHowManyNeeded(string shape, string data, string expected) =>
        AssertInvalid(Input("INT32", shape, data), expected);

    [Theory]
    [InlineData("FP32", "[1, null]", "element 1 (null) is not a valid FP32 value")]
    [InlineData("BYTES", "[\"a\", null]", "element 1 (null) is not a valid BYTES value")]
    [InlineData("BOOL", "[true, null]", "element 1 (null) is not a valid BOOL value")]
    public void DecodeAll_NullElement_Refused(string datatype, string data, string expected) =>
        AssertInvalid(Input(datatype, "[2]", data), expected);

    [Theory]
    [InlineData("null")]
    [InlineData("1")]
    [InlineData("\"1\"")]
    [InlineData("{}")]
    public void DecodeAll_DataNotAnArray_AsksForArrayOrBinary(string data) =>
        AssertInvalid(Input("INT32", "[1]", data), "needs 'data' as a JSON array, or parameters.binary_data_size");

    [Fact]
    public void DecodeAll_DataMissing_AsksForArrayOrBinary() =>
        AssertInvalid("""{"inputs": [{"name": "x", "datatype": "INT32", "shape": [1]}]}""", "needs 'data' as a JSON array");

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    public void DecodeAll_NonFiniteFloatAsString_Refused(string value)
    {
        // JSON numbers cannot carry non-finite values, and the output spelling is not read back as input.
        AssertInvalid(Input("FP32", "[1]", $"[{value}]"), $"element 0 ({value}) is not a valid FP32 value");
        AssertInvalid(Input("FP64", "[1]", $"[{value}]"), $"element 0 ({value}) is not a valid FP64 value");
    }

    [Theory]
    [InlineData("FP32", "[1e39, -1e39]")]
    [InlineData("FP64", "[1e309, -1e309]")]
    [InlineData("FP16", "[1e39, -1e39]")]
    [InlineData("FP16", "[1e6, -1e6]")]
    public void DecodeAll_NumberBeyondTheFloatTypesRange_Infinity(string datatype, string data)
    {
        // Parsed as IEEE does (System.Text.Json's TryGetSingle/TryGetDouble); FP16 goes through float, then rounds as a cast does.
        var tensor = Single(Input(datatype, "[2]", data));

        double[] values = tensor.Data switch
        {
            float[] f => [.. f.Select(x => (double)x)],
            Half[] h => [.. h.Select(x => (double)x)],
            _ => (double[])tensor.Data,
        };
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], values);
    }

    [Theory]
    [InlineData("UINT8", "[256]")]
    [InlineData("UINT8", "[-1]")]
    [InlineData("INT8", "[128]")]
    [InlineData("INT32", "[2147483648]")]
    [InlineData("INT64", "[9223372036854775808]")]
    [InlineData("INT32", "[1.5]")]
    [InlineData("INT64", "[1e3]")]
    [InlineData("BOOL", "[1]")]
    [InlineData("BOOL", "[\"true\"]")]
    [InlineData("BYTES", "[1]")]
    [InlineData("FP32", "[true]")]
    [InlineData("FP32", "[\"1\"]")]
    [InlineData("FP32", "[{}]")]
    public void DecodeAll_ElementNotOfTheDatatype_NamesTheElement(string datatype, string data) =>
        AssertInvalid(Input(datatype, "[1]", data), $"input 'x' element 0 ({data[1..^1]}) is not a valid {datatype} value");

    [Fact]
    public void DecodeAll_LongBadElement_ClippedInTheMessage()
    {
        string text = new('a', 40);

        AssertInvalid(Input("INT32", "[1]", $"[\"{text}\"]"), $"element 0 (\"{new string('a', 31)}...) is not a valid INT32");
    }

    [Theory]
    [InlineData("""{"inputs": [{"datatype": "INT32", "shape": [1], "data": [1]}]}""", "every input needs a name")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP99", "shape": [1], "data": [1]}]}""", "input 'x' has an unknown datatype 'FP99'")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "fp32", "shape": [1], "data": [1]}]}""", "unknown datatype 'fp32'")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "INT32", "data": [1]}]}""", "input 'x' has no shape")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "INT32", "shape": [2, -1], "data": [1]}]}""", "negative dimension in shape [2,-1]")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "INT32", "shape": [4096, 4097], "data": []}]}""", "has 16781312 elements; at most 16777216 are accepted")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "INT32", "shape": [9223372036854775807, 2], "data": []}]}""", "at most 16777216 are accepted")]
    public void DecodeAll_BadDeclaration_Refused(string json, string expected) => AssertInvalid(json, expected);

    [Fact]
    public void DecodeAll_SecondInputBad_FirstProblemReturned()
    {
        const string json = """
            {"inputs": [
              {"name": "a", "datatype": "INT32", "shape": [1], "data": [1]},
              {"name": "b", "datatype": "INT32", "shape": [1], "data": ["x"]},
              {"name": "c", "datatype": "NOPE", "shape": [1], "data": [1]}]}
            """;

        AssertInvalid(json, "input 'b' element 0");
    }

    [Fact]
    public void DecodeAll_SeveralInputs_DecodedInRequestOrder()
    {
        const string json = """
            {"inputs": [
              {"name": "ids", "datatype": "INT64", "shape": [1, 2], "data": [[3, 4]]},
              {"name": "mask", "datatype": "BOOL", "shape": [1, 2], "data": [true, false]}]}
            """;

        var tensors = Decode(json).Value;

        Assert.Equal(["ids", "mask"], tensors.Select(t => t.Name));
        Assert.Equal(new long[] { 3, 4 }, tensors[0].Data);
        Assert.Equal(new[] { true, false }, tensors[1].Data);
        Assert.Equal([1L, 2L], tensors[1].Shape);
    }

    // Binary tensor data extension: parameters.binary_data_size takes the next bytes of the binary part.

    private static string BinaryInput(string name, string datatype, string shape, string size) =>
        $$$"""{"name": "{{{name}}}", "datatype": "{{{datatype}}}", "shape": {{{shape}}}, "parameters": {"binary_data_size": {{{size}}}}}""";

    private static byte[] Bytes(params Array[] parts)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var part in parts)
        {
            V2BinaryTensors.Write(writer, part);
        }

        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void DecodeAll_BinaryAndJsonInputs_BinaryConsumedInInputOrder()
    {
        string json = $$"""
            {"inputs": [
              {{BinaryInput("a", "FP32", "[2]", "8")}},
              {"name": "b", "datatype": "INT32", "shape": [1], "data": [9]},
              {{BinaryInput("c", "BYTES", "[2]", "13")}}]}
            """;
        byte[] binary = Bytes(new[] { 1.5f, -2f }, new[] { "hi", "you" });

        var tensors = Decode(json, binary).Value;

        Assert.Equal(new[] { 1.5f, -2f }, tensors[0].Data);
        Assert.Equal(new[] { 9 }, tensors[1].Data);
        Assert.Equal(new[] { "hi", "you" }, tensors[2].Data);
    }

    [Fact]
    public void DecodeAll_BinarySizesShortOfTheBody_Refused() =>
        AssertInvalid($$"""{"inputs": [{{BinaryInput("a", "INT32", "[1]", "4")}}]}""", "add up to 4 bytes but the body has 6 bytes after the JSON header", new byte[6]);

    [Fact]
    public void DecodeAll_BinaryPartWithoutBinaryInputs_Refused() =>
        AssertInvalid(Input("INT32", "[1]", "[1]"), "add up to 0 bytes but the body has 3 bytes", new byte[3]);

    [Fact]
    public void DecodeAll_BinarySizePastTheBody_SaysWhatIsLeft()
    {
        string json = $$"""{"inputs": [{{BinaryInput("a", "INT32", "[1]", "4")}}, {{BinaryInput("b", "INT32", "[2]", "8")}}]}""";

        AssertInvalid(json, "input 'b' has binary_data_size 8 but only 2 bytes of binary data are left in the body", new byte[6]);
    }

    [Theory]
    [InlineData("INT32", "[3]", "8", "binary_data_size 8 but its shape needs 3 INT32 elements = 12 bytes")]
    [InlineData("FP64", "[2, 2]", "16", "binary_data_size 16 but its shape needs 4 FP64 elements = 32 bytes")]
    [InlineData("FP16", "[3]", "8", "binary_data_size 8 but its shape needs 3 FP16 elements = 6 bytes")]
    [InlineData("BOOL", "[2]", "3", "binary_data_size 3 but its shape needs 2 BOOL elements = 2 bytes")]
    public void DecodeAll_BinarySizeNotTheShapes_Refused(string datatype, string shape, string size, string expected) =>
        AssertInvalid($$"""{"inputs": [{{BinaryInput("a", datatype, shape, size)}}]}""", expected, new byte[int.Parse(size, CultureInfo.InvariantCulture)]);

    [Fact]
    public void DecodeAll_BinaryWithoutTheHeader_Refused()
    {
        var request = JsonSerializer.Deserialize($$"""{"inputs": [{{BinaryInput("a", "INT32", "[1]", "4")}}]}""", V2JsonContext.Web.V2InferRequest)!;

        var result = V2TensorCodec.DecodeAll(request.Inputs, [], hasBinaryPart: false);

        Assert.Contains("has parameters.binary_data_size but the request has no Inference-Header-Content-Length header", result.Error?.Message);
    }

    [Fact]
    public void DecodeAll_BinarySizeAndData_AsksForOne()
    {
        const string json = """{"inputs": [{"name": "a", "datatype": "INT32", "shape": [1], "data": [1], "parameters": {"binary_data_size": 4}}]}""";

        AssertInvalid(json, "input 'a' has both 'data' and parameters.binary_data_size; give one", new byte[4]);
    }

    [Fact]
    public void DecodeAll_BinarySizeWithNullData_Binary()
    {
        const string json = """{"inputs": [{"name": "a", "datatype": "INT32", "shape": [1], "data": null, "parameters": {"binary_data_size": 4}}]}""";

        Assert.Equal(new[] { 7 }, Decode(json, Bytes(new[] { 7 })).Value[0].Data);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"4\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("9223372036854775808")]
    public void DecodeAll_BinarySizeNotANonNegativeInteger_Refused(string size) =>
        AssertInvalid($$"""{"inputs": [{{BinaryInput("a", "INT32", "[1]", size)}}]}""", $"input 'a' has parameters.binary_data_size {size}; a non-negative integer is expected", new byte[4]);

    [Fact]
    public void DecodeAll_OtherInputParameters_Ignored()
    {
        const string json = """{"inputs": [{"name": "a", "datatype": "INT32", "shape": [1], "data": [5], "parameters": {"binary_data": false, "x": [1]}}]}""";

        Assert.Equal(new[] { 5 }, Single(json).Data);
    }

    [Fact]
    public void DecodeAll_ZeroSizedBinaryInput_EmptyArray()
    {
        var tensors = Decode($$"""{"inputs": [{{BinaryInput("a", "FP32", "[0, 3]", "0")}}]}""", []).Value;

        Assert.Empty(tensors[0].Data);
        Assert.IsType<float[]>(tensors[0].Data);
    }
}
