namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>Content tags v2: a linear model over hashed n-grams plus a sentence embedding appended as features.</summary>
public sealed class LinearTextModelEmbeddingTests
{
    private const int Dimensions = 6;

    private static readonly TextFeaturizerSettings Settings = EmbeddingTestSettings.With(Dimensions, 3f);

    [Fact]
    public void WithEmbedding_AppendsOneFeaturePerDimensionAfterTheBuckets()
    {
        var featurizer = new TextFeaturizer(Settings);
        var plain = featurizer.Featurize("A heist thriller in Madrid", withTerms: true);

        var features = plain.WithEmbedding([0.5f, -0.5f, 0f, 0.1f, 0.2f, 0.3f], Settings);

        Assert.Equal(plain.Count + Dimensions, features.Count);
        Assert.Equal(plain.Ids, features.Ids.Take(plain.Count));
        Assert.Equal([1024, 1025, 1026, 1027, 1028, 1029], features.Ids.Skip(plain.Count));
        Assert.Equal([1.5f, -1.5f, 0f, 0.3f, 0.6f, 0.9f], features.Weights.Skip(plain.Count).Select(w => MathF.Round(w, 5)));
        Assert.Equal(plain.WordFeatureCount, features.WordFeatureCount);
        Assert.All(features.Terms!.Skip(plain.Count), t => Assert.Equal(TextFeatures.EmbeddingTerm, t));
        Assert.Throws<ArgumentException>(() => plain.WithEmbedding([1f, 2f], Settings));
    }

    [Fact]
    public void ToOnnx_WithEmbedding_OrtMatchesCSharpAndReadsBack()
    {
        var model = RandomModel(labels: 5, seed: 3);
        byte[] onnx = model.ToOnnx("tags-v2");
        using var session = new InferenceSession(onnx);
        var random = new Random(9);
        string[] texts = ["space opera with robots", "a cooking show", "", "真夜中の映画", "not funny at all, but warm"];
        var rows = texts.Select(t => model.Featurizer.Featurize(t).WithEmbedding(RandomUnit(random), Settings)).ToArray();

        float[] ort = OrtRunner.Run(session, TextFeaturizer.PadToLongest(rows));

        for (int r = 0; r < rows.Length; r++)
        {
            float[] expected = model.Predict(rows[r]);
            for (int j = 0; j < expected.Length; j++)
            {
                Assert.True(Math.Abs(expected[j] - ort[(r * 5) + j]) <= 1e-5, $"text '{texts[r]}' label {j}: C# {expected[j]} vs ORT {ort[(r * 5) + j]}");
            }
        }

        var read = LinearTextModelReader.Read(onnx, out var metadata, out string? error);
        Assert.Null(error);
        Assert.Equal("0,1029", metadata["maas.input_range.ids"]);
        Assert.Equal(Settings.ToJson(), read!.Settings.ToJson());
        Assert.Equal(model.Predict(rows[0]), read.Predict(rows[0]));
    }

    [Fact]
    public void Explain_WithEmbedding_OneEmbeddingEntryAndContributionsSumToTheLogit()
    {
        var model = RandomModel(labels: 3, seed: 5);
        var features = model.Featurizer.Featurize("a tense noir thriller", withTerms: true).WithEmbedding(RandomUnit(new Random(2)), Settings);

        var all = model.Explain(features, 2, top: int.MaxValue);

        Assert.Single(all, c => c.Term == TextFeatures.EmbeddingTerm);
        Assert.Equal(model.Logits(features)[2], all.Sum(c => c.Contribution) + model.Bias(2), 4);
    }

    [Theory]
    [InlineData("encoder", 0)]
    [InlineData(null, 384)]
    public void Validate_EmbeddingHalfGiven_Refused(string? model, int dimensions)
    {
        var settings = new TextFeaturizerSettings { EmbeddingModel = model, EmbeddingDimensions = dimensions };

        Assert.Contains(settings.Validate(), e => e.Contains("embedding", StringComparison.OrdinalIgnoreCase));
    }

    private static float[] RandomUnit(Random random)
    {
        float[] v = [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() - 0.5))];
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static LinearTextModel RandomModel(int labels, int seed)
    {
        var rng = new Random(seed);
        var table = new float[Settings.FeatureSpace * labels];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        float[] bias = [.. Enumerable.Range(0, labels).Select(_ => (float)(rng.NextDouble() - 0.5))];
        return new LinearTextModel(Settings, [.. Enumerable.Range(0, labels).Select(i => $"l{i}")], TextModelActivation.Sigmoid, table, bias);
    }
}
