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

    public static TheoryData<string> ExternalDataPlaces() =>
    [
        "initializer", "data-location-only", "entries-only", "sparse-initializer-values", "sparse-initializer-indices",
        "attribute-t", "attribute-tensors", "attribute-sparse-tensor", "attribute-sparse-tensors", "subgraph-g",
        "subgraph-graphs", "subgraph-in-subgraph", "function-attribute-default", "function-body",
        "training-initialization", "training-algorithm", "second-graph-field",
    ];

    [Theory]
    [MemberData(nameof(ExternalDataPlaces))]
    public void Validate_ExternalDataAnywhereInTheModel_RefusedWithoutNamingTheFileOrItsSize(string place)
    {
        // A real file where ONNX Runtime would find it (relative to the working directory, as for a model from memory).
        using var file = new FileInWorkingDirectory(new byte[12_345]);

        var result = OnnxUploadValidator.Validate(ModelWithExternalData(place, file.Relative));

        Assert.Equal(new Error(ErrorCode.InvalidRequest, OnnxUploadScan.ExternalData), result.Error);
        Assert.DoesNotContain("12345", result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(file.Relative, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSession_ExternalReferenceTheScanWouldRefuse_LooksOnlyInAFolderThatDoesNotExist()
    {
        // The session's own guard, should a reference ever get past the scan: a model from memory resolves external
        // data against the working directory unless told otherwise.
        using var file = new FileInWorkingDirectory([.. new float[] { 1, 2, 3, 4 }.SelectMany(BitConverter.GetBytes)]);

        var thrown = Assert.Throws<OnnxRuntimeException>(() => OnnxUploadValidator.CreateSession(OnnxWire.AddModel(OnnxWire.ExternalTensor("w", file.Relative))));

        Assert.False(Directory.Exists(OnnxUploadValidator.NoExternalDataFolder));
        Assert.Contains(Path.Combine(OnnxUploadValidator.NoExternalDataFolder, file.Relative), thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Environment.CurrentDirectory, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSession_SelfContainedModel_Loads()
    {
        using var session = OnnxUploadValidator.CreateSession(OnnxWire.AddModel(OnnxWire.InlineTensor("w")));

        Assert.Equal(["x"], session.InputMetadata.Keys);
    }

    [Theory]
    [InlineData(1L << 62)]
    [InlineData(int.MaxValue + 1L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Validate_DeclaredDimensionOutOfRange_RefusedNamingTheInputTheOutputAndTheAxis(long dim)
    {
        var result = OnnxUploadValidator.Validate(IdentityModel(null, dim));

        Assert.Equal(new Error(ErrorCode.InvalidRequest,
            $"input 'x' declares dimension 1 as {dim}; a dimension must be 0..2147483647 or symbolic; " +
            $"output 'y' declares dimension 1 as {dim}; a dimension must be 0..2147483647 or symbolic"), result.Error);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(int.MaxValue)]
    public void Validate_DeclaredDimensionAtTheBounds_AcceptedAsDeclared(long dim)
    {
        var result = OnnxUploadValidator.Validate(IdentityModel(null, dim));

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal([-1, dim], Assert.Single(result.Value.Inputs).Shape);
    }

    [Fact]
    public void Validate_EpContextNode_RefusedBecauseItNamesAFile()
    {
        byte[] node = [.. OnnxWire.Text(1, "x"), .. OnnxWire.Text(2, "y"), .. OnnxWire.Text(4, "EPContext"), .. OnnxWire.Text(7, "com.microsoft"),
            .. OnnxWire.Field(5, OnnxWire.Text(1, "ep_cache_context"), OnnxWire.Int(20, 3), OnnxWire.Text(4, "appsettings.json"))];

        var result = OnnxUploadValidator.Validate(OnnxWire.AddModel(OnnxWire.InlineTensor("w"), OnnxWire.Field(7, OnnxWire.Field(1, node))));

        Assert.Equal(OnnxUploadScan.EpContext, result.Error?.Message);
    }

    [Fact]
    public void Validate_TruncatedProtobuf_RefusedAsMalformed()
    {
        byte[] model = OnnxWire.AddModel(OnnxWire.InlineTensor("w"));

        var result = OnnxUploadValidator.Validate(model[..^3]);

        Assert.Equal(OnnxUploadScan.Malformed, result.Error?.Message);
    }

    [Fact]
    public void Validate_GraphsNestedDeeperThanTheScannerFollows_Refused()
    {
        byte[] graph = [];
        for (int level = 0; level < 20; level++)
        {
            graph = OnnxWire.Field(1, OnnxWire.Field(5, OnnxWire.Field(6, graph)));
        }

        var result = OnnxUploadValidator.Validate(OnnxWire.Field(7, graph));

        Assert.Equal("the model nests graphs too deeply", result.Error?.Message);
    }

    /// <summary>A loadable model (y = x + w) with a tensor whose data is in <paramref name="location"/> at <paramref name="place"/>.</summary>
    private static byte[] ModelWithExternalData(string place, string location)
    {
        byte[] external = OnnxWire.ExternalTensor("e", location);
        byte[] inline = OnnxWire.InlineTensor("w");
        // A second ModelProto.graph field merges into the first (protobuf), adding its nodes and initializers.
        byte[] Graph(params byte[][] fields) => OnnxWire.Field(7, fields);
        byte[] Node(string op, params byte[][] attributes) =>
            OnnxWire.Field(1, [.. OnnxWire.Text(2, "z"), .. OnnxWire.Text(4, op), .. attributes.SelectMany(a => OnnxWire.Field(5, a))]);
        byte[] Attribute(string name, int type, int field, byte[] value) => [.. OnnxWire.Text(1, name), .. OnnxWire.Int(20, type), .. OnnxWire.Field(field, value)];
        byte[] Subgraph(byte[] tensor) => [.. OnnxWire.Text(2, "sub"), .. OnnxWire.Field(5, tensor)];
        byte[] Function(params byte[][] fields) =>
            OnnxWire.Field(25, [.. OnnxWire.Text(1, "f"), .. OnnxWire.Text(10, "local"), .. OnnxWire.Text(4, "a"), .. OnnxWire.Text(5, "b"), .. fields.SelectMany(f => f)]);
        return place switch
        {
            "initializer" => OnnxWire.AddModel(OnnxWire.ExternalTensor("w", location)),
            "data-location-only" => OnnxWire.AddModel(OnnxWire.ExternalTensor("w", location, entries: false)),
            "entries-only" => OnnxWire.AddModel(OnnxWire.ExternalTensor("w", location, dataLocation: false)),
            "sparse-initializer-values" => OnnxWire.AddModel(inline, Graph(OnnxWire.Field(15, OnnxWire.SparseTensor(external)))),
            "sparse-initializer-indices" => OnnxWire.AddModel(inline, Graph(OnnxWire.Field(15, OnnxWire.SparseTensor(inline, external)))),
            "attribute-t" => OnnxWire.AddModel(inline, Graph(Node("Constant", Attribute("value", 4, 5, external)))),
            "attribute-tensors" => OnnxWire.AddModel(inline, Graph(Node("Custom", Attribute("values", 9, 10, external)))),
            "attribute-sparse-tensor" => OnnxWire.AddModel(inline, Graph(Node("Constant", Attribute("sparse_value", 11, 22, OnnxWire.SparseTensor(external))))),
            "attribute-sparse-tensors" => OnnxWire.AddModel(inline, Graph(Node("Custom", Attribute("values", 12, 23, OnnxWire.SparseTensor(external))))),
            "subgraph-g" => OnnxWire.AddModel(inline, Graph(Node("If", Attribute("then_branch", 5, 6, Subgraph(external))))),
            "subgraph-graphs" => OnnxWire.AddModel(inline, Graph(Node("Custom", Attribute("branches", 10, 11, Subgraph(external))))),
            "subgraph-in-subgraph" => OnnxWire.AddModel(inline, Graph(Node("If", Attribute("then_branch", 5, 6,
                [.. OnnxWire.Text(2, "outer"), .. Node("Loop", Attribute("body", 5, 6, Subgraph(external)))])))),
            "function-attribute-default" => OnnxWire.AddModel(inline, Function(
                OnnxWire.Field(11, Attribute("w", 4, 5, external)),
                OnnxWire.Field(7, OnnxWire.Text(1, "a"), OnnxWire.Text(2, "b"), OnnxWire.Text(4, "Identity")),
                OnnxWire.Field(9, OnnxWire.Text(1, string.Empty), OnnxWire.Int(2, 21)))),
            "function-body" => OnnxWire.AddModel(inline, Function(OnnxWire.Field(7, OnnxWire.Text(2, "b"), OnnxWire.Text(4, "Constant"),
                OnnxWire.Field(5, Attribute("value", 4, 5, external))))),
            "training-initialization" => OnnxWire.AddModel(inline, OnnxWire.Field(20, OnnxWire.Field(1, Subgraph(external)))),
            "training-algorithm" => OnnxWire.AddModel(inline, OnnxWire.Field(20, OnnxWire.Field(2, Subgraph(external)),
                OnnxWire.Field(4, OnnxWire.Text(1, "w"), OnnxWire.Text(2, "e")))),
            "second-graph-field" => OnnxWire.AddModel(inline, Graph(OnnxWire.Field(5, external))),
            _ => throw new ArgumentOutOfRangeException(nameof(place), place, null),
        };
    }

    /// <summary>y = Identity(x), both float [N, <paramref name="dims"/>...] (null dims symbolic).</summary>
    private static byte[] IdentityModel(params long?[] dims) =>
    [
        .. OnnxWire.Int(1, 10),
        .. OnnxWire.Field(7,
            OnnxWire.Field(1, OnnxWire.Text(1, "x"), OnnxWire.Text(2, "y"), OnnxWire.Text(4, "Identity")),
            OnnxWire.Text(2, "identity"),
            OnnxWire.Field(11, OnnxWire.ValueInfo("x", dims)),
            OnnxWire.Field(12, OnnxWire.ValueInfo("y", dims))),
        .. OnnxWire.Field(8, OnnxWire.Text(1, string.Empty), OnnxWire.Int(2, 21)),
    ];

    /// <summary>A file in a fresh folder of the working directory (where ORT resolves a model from memory); deleted on dispose.</summary>
    private sealed class FileInWorkingDirectory : IDisposable
    {
        private readonly string _folder = Path.Combine(Environment.CurrentDirectory, "maas-upload-" + Guid.NewGuid().ToString("N"));

        public FileInWorkingDirectory(byte[] content)
        {
            Directory.CreateDirectory(_folder);
            Relative = Path.Combine(Path.GetFileName(_folder), "weights.bin");
            File.WriteAllBytes(Path.Combine(Environment.CurrentDirectory, Relative), content);
        }

        public string Relative { get; }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
