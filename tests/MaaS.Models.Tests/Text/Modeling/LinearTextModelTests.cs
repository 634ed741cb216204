namespace MaaS.Models.Tests.Text.Modeling;

public sealed class LinearTextModelTests
{
    private static readonly TextFeaturizerSettings Settings = new()
    {
        Buckets = 1 << 10,
        WordNgrams = 2,
        CharNgramMin = 3,
        CharNgramMax = 4,
        BucketLengths = [8, 32, 128, 512],
    };

    private static readonly string[] Texts =
    [
        "", "ok", "Not bad at all!", "The plot isn't great, but the cast is wonderful.", "映画が好き", "\u0000\u0001garbage\uFFFF",
        string.Join(' ', Enumerable.Repeat("long", 400)), "ＦＵＬＬＷＩＤＴＨ text", "a b c d e f g h i j k l m n o p",
    ];

    [Theory]
    [InlineData(TextModelActivation.Softmax, 2)]
    [InlineData(TextModelActivation.Softmax, 5)]
    [InlineData(TextModelActivation.Sigmoid, 7)]
    public void ToOnnx_RandomWeights_OrtMatchesCSharpPrediction(TextModelActivation activation, int labels)
    {
        var model = RandomModel(activation, labels, seed: labels);
        using var session = new InferenceSession(model.ToOnnx("test"));

        var (maxDiff, worst) = OrtRunner.MaxDifference(session, model, model.Featurizer, Texts, batchSize: 4);

        Assert.True(maxDiff <= 1e-5, worst);
    }

    [Fact]
    public void ToOnnx_Metadata_RebuildsTheSameFeaturizer()
    {
        var model = RandomModel(TextModelActivation.Sigmoid, 3, seed: 1);
        using var session = new InferenceSession(model.ToOnnx("test"));

        var metadata = session.ModelMetadata.CustomMetadataMap;
        var settings = TextFeaturizerSettings.FromJson(metadata[TextFeaturizerSettings.MetadataKey]);

        Assert.NotNull(settings);
        Assert.Equal(Settings.ToJson(), settings.ToJson());
        Assert.Equal("sigmoid", metadata[TextModelMetadata.Activation]);
        Assert.Equal("[\n  \"l0\",\n  \"l1\",\n  \"l2\"\n]", metadata[TextModelMetadata.Labels].ReplaceLineEndings("\n"));
        Assert.Equal([-1, -1], session.InputMetadata[LinearTextModel.IdsInput].Dimensions);
        Assert.Equal(typeof(long), session.InputMetadata[LinearTextModel.IdsInput].ElementType);
        Assert.Equal([-1, 3], session.OutputMetadata[LinearTextModel.ProbabilitiesOutput].Dimensions);
    }

    [Fact]
    public void Explain_Contributions_SumWithBiasToLogit()
    {
        var model = RandomModel(TextModelActivation.Softmax, 2, seed: 4);
        var features = model.Featurizer.Featurize("not a great film, but fun", withTerms: true);

        var all = model.Explain(features, 1, top: int.MaxValue);

        Assert.Equal(model.Logits(features)[1], all.Sum(c => c.Contribution) + model.Bias(1), 4);
        Assert.True(all.Zip(all.Skip(1)).All(p => Math.Abs(p.First.Contribution) >= Math.Abs(p.Second.Contribution)));
        Assert.Contains(all, c => c.Term == "NEG_great");
    }

    [Fact]
    public void Read_ExportedModel_RoundTripsWeightsAndMetadata()
    {
        var model = RandomModel(TextModelActivation.Sigmoid, 4, seed: 8);
        byte[] onnx = model.ToOnnx("rt", new Dictionary<string, string> { [TextModelMetadata.Thresholds] = "[0.3,0.3,0.3,0.3]" });

        var read = LinearTextModelReader.Read(onnx, out var metadata, out string? error);

        Assert.Null(error);
        Assert.NotNull(read);
        Assert.Equal(model.Labels, read.Labels);
        Assert.Equal(TextModelActivation.Sigmoid, read.Activation);
        Assert.Equal("[0.3,0.3,0.3,0.3]", metadata[TextModelMetadata.Thresholds]);
        Assert.Equal("0,1023", metadata["maas.input_range.ids"]);
        Assert.Equal(onnx, read.ToOnnx("rt", new Dictionary<string, string> { [TextModelMetadata.Thresholds] = "[0.3,0.3,0.3,0.3]" }));
    }

    [Fact]
    public void Read_NotATextModel_NullWithReason()
    {
        var builder = new MaaS.Models.Authoring.OnnxGraphBuilder("plain");
        builder.AddInput("x", MaaS.Models.Authoring.OnnxElementType.Float, -1);
        builder.AddNode("Neg", ["x"], ["y"]);
        builder.AddOutput("y", MaaS.Models.Authoring.OnnxElementType.Float, -1);

        Assert.Null(LinearTextModelReader.Read(builder.ToBytes(), out _, out string? plainError));
        Assert.Null(LinearTextModelReader.Read([0xFF, 0xFF, 0xFF], out _, out string? garbageError));
        Assert.Contains("MaaS text metadata", plainError);
        Assert.NotNull(garbageError);
    }

    private static LinearTextModel RandomModel(TextModelActivation activation, int labels, int seed)
    {
        var rng = new Random(seed);
        var table = new float[Settings.Buckets * labels];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        float[] bias = [.. Enumerable.Range(0, labels).Select(_ => (float)(rng.NextDouble() - 0.5))];
        return new LinearTextModel(Settings, [.. Enumerable.Range(0, labels).Select(i => $"l{i}")], activation, table, bias);
    }
}
