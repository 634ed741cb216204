namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>The neighbour-vote head: votes against a brute-force reference, and its ONNX graph against the C# twin.</summary>
public sealed class NeighbourVotesTests
{
    private const int Dimensions = 8;
    private const int Labels = 4;

    private static readonly TextFeaturizerSettings Settings = EmbeddingTestSettings.With(Dimensions, 2f);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(60)]
    public void Votes_RandomVectors_EqualSortedReference(int k)
    {
        var random = new Random(k);
        var (vectors, labels) = TrainingSet(random, 60);
        var head = NeighbourVotes.Build(vectors, labels, Labels, k, 0.5f);

        for (int q = 0; q < 20; q++)
        {
            float[] query = RandomUnit(random);
            var votes = new float[Labels];
            head.Votes(query, votes);

            // Reference: every training vector scored, sorted, the K best averaged by max(cosine, 0).
            var best = vectors.Select((v, i) => (Score: v.Zip(query, (a, b) => (double)a * b).Sum(), Row: i)).OrderByDescending(p => p.Score).Take(k).ToArray();
            double total = best.Sum(p => Math.Max(p.Score, 0));
            for (int j = 0; j < Labels; j++)
            {
                double expected = total == 0 ? 0 : best.Where(p => labels[p.Row].Contains(j)).Sum(p => Math.Max(p.Score, 0)) / total;
                Assert.Equal(expected, votes[j], 4);
            }
        }
    }

    [Fact]
    public void EmbeddingOf_FeaturesWithEmbedding_GivesTheVectorBack()
    {
        float[] embedding = RandomUnit(new Random(4));
        var features = new TextFeaturizer(Settings).Featurize("a heist in Madrid").WithEmbedding(embedding, Settings);

        var back = NeighbourVotes.EmbeddingOf(features, Settings);

        Assert.NotNull(back);
        Assert.All(back.Zip(embedding), p => Assert.Equal(p.Second, p.First, 6));
        Assert.Null(NeighbourVotes.EmbeddingOf(new TextFeaturizer(Settings).Featurize("no embedding"), Settings));
    }

    [Theory]
    [InlineData(3, 0.5f, 0)]
    [InlineData(20, 0.7f, 0)]
    [InlineData(3, 0f, 2)]
    [InlineData(40, 0f, 2)]
    [InlineData(3, 0f, 3)]
    [InlineData(40, 0f, 3)]
    public void ToOnnx_WithNeighbours_OrtEqualsCSharpWithin1e5AndReadsBack(int k, float weight, int stackParts)
    {
        bool stacked = stackParts > 0;
        var random = new Random(k + stackParts);
        var (vectors, labels) = TrainingSet(random, 150);
        var head = NeighbourVotes.Build(vectors, labels, Labels, k, weight, stacked ? 9f : 1f);
        var model = RandomModel(random).WithNeighbours(stacked ? head.WithStacking(RandomStacking(random, stackParts)) : head);
        byte[] onnx = model.ToOnnx("tags-neighbours");
        using var session = new InferenceSession(onnx);
        string[] texts = ["space opera with robots", "a cooking show", "", "真夜中の映画", "not funny at all, but warm", "a family drama in a small town far from home"];
        var rows = texts.Select(t => model.Featurizer.Featurize(t).WithEmbedding(RandomUnit(random), Settings)).ToArray();

        float[] ort = OrtRunner.Run(session, TextFeaturizer.PadToLongest(rows));

        var read = LinearTextModelReader.Read(onnx, out _, out string? error);
        Assert.Null(error);
        Assert.NotNull(read!.Neighbours);
        Assert.Equal(model.Neighbours!.K, read.Neighbours.K);
        Assert.Equal(stacked, read.Neighbours.Stacking is not null);
        Assert.Equal(stackParts == 3, read.Neighbours.Stacking?.UsesLogits ?? false);
        for (int r = 0; r < rows.Length; r++)
        {
            float[] expected = model.Predict(rows[r]);
            float[] linear = model.WithNeighbours(null).Predict(rows[r]);
            Assert.NotEqual(linear, expected);
            Assert.Equal(expected, read.Predict(rows[r]));
            for (int j = 0; j < Labels; j++)
            {
                Assert.True(Math.Abs(expected[j] - ort[(r * Labels) + j]) <= 1e-5, $"text '{texts[r]}' label {j}: C# {expected[j]} vs ORT {ort[(r * Labels) + j]}");
            }
        }
    }

    [Fact]
    public void Constructor_HeadWithoutEmbeddingSettings_Refused()
    {
        var (vectors, labels) = TrainingSet(new Random(1), 10);
        var head = NeighbourVotes.Build(vectors, labels, Labels, 3, 0.5f);
        var plain = Settings with { EmbeddingModel = null, EmbeddingDimensions = 0, EmbeddingScale = null };

        Assert.Throws<ArgumentException>(() => new LinearTextModel(plain, ["a", "b", "c", "d"], TextModelActivation.Sigmoid, new float[plain.FeatureSpace * Labels], new float[Labels], head));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void StackingApply_RandomInputs_EqualsScalarReference(int parts)
    {
        var random = new Random(7);
        var stacking = RandomStacking(random, parts, out float[] weights, out float[] bias);
        Assert.Equal(parts == 3, stacking.UsesLogits);
        for (int q = 0; q < 20; q++)
        {
            // Extremes too: the log-odds are clamped at 1e-4 and 1 − 1e-4.
            float[] linear = [.. Enumerable.Range(0, Labels).Select(j => q == 0 ? (j % 2 == 0 ? 0f : 1f) : (float)random.NextDouble())];
            float[] votes = [.. Enumerable.Range(0, Labels).Select(_ => (float)random.NextDouble())];
            var p = new float[Labels];
            stacking.Apply(linear, votes, p);

            // The clamp's bounds are the float constants the graph holds (1 − 1e-4 is 0.99989998 as a float).
            double[] logits = [.. linear.Select(x => Math.Clamp((double)x, (double)1e-4f, (double)(1f - 1e-4f))).Select(c => Math.Log(c / (1 - c)) / 4)];
            double[] inputs = parts == 3 ? [.. linear.Select(x => (double)x), .. logits, .. votes.Select(x => (double)x)] : [.. linear.Select(x => (double)x), .. votes.Select(x => (double)x)];
            for (int j = 0; j < Labels; j++)
            {
                double z = bias[j] + inputs.Select((x, a) => x * weights[(a * Labels) + j]).Sum();
                Assert.Equal(1 / (1 + Math.Exp(-z)), p[j], tolerance: 1e-5);
            }
        }
    }

    [Fact]
    public void Constructor_StackingOfOtherLabelCount_Refused()
    {
        var (vectors, labels) = TrainingSet(new Random(1), 10);
        var head = NeighbourVotes.Build(vectors, labels, Labels, 3, 0f);

        Assert.Throws<ArgumentException>(() => head.WithStacking(new VoteStacking(new float[2 * 3 * 3], new float[3])));
        Assert.Throws<ArgumentException>(() => new VoteStacking(new float[5], new float[Labels]));
        Assert.Throws<ArgumentException>(() => new VoteStacking(new float[4 * Labels * Labels], new float[Labels]));
        Assert.Null(VoteStacking.FromRaw(new float[4 * Labels * Labels], new float[Labels], Labels));
    }

    private static VoteStacking RandomStacking(Random random, int parts) => RandomStacking(random, parts, out _, out _);

    private static VoteStacking RandomStacking(Random random, int parts, out float[] weights, out float[] bias)
    {
        weights = [.. Enumerable.Range(0, parts * Labels * Labels).Select(_ => (float)((random.NextDouble() * 6) - 3))];
        bias = [.. Enumerable.Range(0, Labels).Select(_ => (float)(random.NextDouble() - 0.5))];
        return new VoteStacking(weights, bias);
    }

    private static (float[][] Vectors, int[][] Labels) TrainingSet(Random random, int count)
    {
        var vectors = Enumerable.Range(0, count).Select(_ => RandomUnit(random)).ToArray();
        var labels = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Labels).Where(_ => random.NextDouble() < 0.35).ToArray()).ToArray();
        return (vectors, labels);
    }

    private static float[] RandomUnit(Random random)
    {
        float[] v = [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() - 0.5))];
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static LinearTextModel RandomModel(Random random)
    {
        var table = new float[Settings.FeatureSpace * Labels];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] bias = [.. Enumerable.Range(0, Labels).Select(_ => (float)(random.NextDouble() - 0.5))];
        return new LinearTextModel(Settings, [.. Enumerable.Range(0, Labels).Select(i => $"l{i}")], TextModelActivation.Sigmoid, table, bias);
    }
}
