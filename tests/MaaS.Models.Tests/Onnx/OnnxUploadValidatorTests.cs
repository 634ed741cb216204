using System.Text;
using MaaS.Core;
using MaaS.Models.Authoring;
using MaaS.Models.Examples;
using MaaS.Models.Onnx;

namespace MaaS.Models.Tests.Onnx;

public sealed class OnnxUploadValidatorTests
{
    [Fact]
    public void Validate_ExampleMlp_NamesAndShapesInModelOrder()
    {
        var result = OnnxUploadValidator.Validate(ExampleMlp.BuildOnnx([16]));

        Assert.True(result.IsSuccess, result.ToString());
        var (name, shape) = Assert.Single(result.Value.Inputs);
        Assert.Equal(ExampleMlp.Input, name);
        Assert.Equal([-1, ExampleMlp.InputSize], shape);
        Assert.Equal([ExampleMlp.Logits, ExampleMlp.Probabilities], result.Value.Outputs.Select(o => o.Name));
        Assert.All(result.Value.Outputs, o => Assert.Equal([-1, ExampleMlp.Classes], o.Shape));
    }

    [Fact]
    public void Validate_ElementTypeTheServerCannotServe_NamesTheInputAndTheOutput()
    {
        // INT16 (TensorProto.DataType 5) loads in ONNX Runtime but has no protocol datatype in OnnxTypes.
        var int16 = (OnnxElementType)5;
        var graph = new OnnxGraphBuilder("int16").AddInput("x", int16, -1, 2);
        graph.AddNode("Identity", ["x"], ["y"]);
        graph.AddOutput("y", int16, -1, 2);

        var result = OnnxUploadValidator.Validate(graph.ToBytes());

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal("input 'x' is not a tensor of a supported type; output 'y' is not a tensor of a supported type; the model must have at least one input and one output",
            result.Error!.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Validate_BytesThatAreNoModel_NotLoadable(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);

        var result = OnnxUploadValidator.Validate(bytes);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.StartsWith("the file is not a loadable ONNX model: ", result.Error!.Message, StringComparison.Ordinal);
        Assert.True(result.Error.Message.Length <= 340, $"{length} bytes: message of {result.Error.Message.Length} characters");
    }

    [Fact]
    public void Validate_InitializerStoredInAnExternalFile_RefusedBeforeOnnxRuntimeReadsIt()
    {
        // Appending a second graph field merges into the first (protobuf): a valid model plus an external initializer.
        byte[] tensor = ExternalTensor("../../etc/passwd");
        byte[] graph = Field(5, tensor);

        var result = OnnxUploadValidator.Validate([.. ExampleMlp.BuildOnnx([16]), .. Field(7, graph)]);

        Assert.Equal(new Error(ErrorCode.InvalidRequest, "the model references external tensor data; upload a self-contained .onnx file"), result.Error);
    }

    [Fact]
    public void Validate_ExternalInitializerInsideASubgraph_Refused()
    {
        // Model.graph → node → attribute (g) → graph → initializer with data_location = EXTERNAL.
        byte[] tensor = [.. Field(8, "w"u8.ToArray()), 0x70, 1];
        byte[] subgraph = Field(5, tensor);
        byte[] node = Field(5, Field(6, subgraph));
        byte[] graph = Field(1, node);

        var result = OnnxUploadValidator.Validate(Field(7, graph));

        Assert.Contains("external tensor data", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GraphsNestedDeeperThanTheScannerFollows_Refused()
    {
        byte[] graph = [];
        for (int level = 0; level < 20; level++)
        {
            graph = Field(1, Field(5, Field(6, graph)));
        }

        var result = OnnxUploadValidator.Validate(Field(7, graph));

        Assert.Equal("the model nests graphs too deeply", result.Error?.Message);
    }

    /// <summary>TensorProto named w whose data lives in <paramref name="location"/> (external_data entry and data_location).</summary>
    private static byte[] ExternalTensor(string location)
    {
        byte[] entry = [.. Field(1, "location"u8.ToArray()), .. Field(2, Encoding.ASCII.GetBytes(location))];
        return [.. Field(8, "w"u8.ToArray()), 0x70, 1, .. Field(13, entry)];
    }

    /// <summary>A length-delimited protobuf field.</summary>
    private static byte[] Field(int number, byte[] payload) => [.. Varint((uint)(number << 3 | 2)), .. Varint((uint)payload.Length), .. payload];

    private static List<byte> Varint(uint value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return bytes;
    }
}
