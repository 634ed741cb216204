namespace MaaS.Models.Tests.Text.Training;

/// <summary>
/// Cross-validation chooses the neighbour-vote head where it scores: on labels no linear model can separate (an XOR of
/// two embedding directions) it must win, on labels a cue word gives while the embedding is noise it must lose nothing.
/// </summary>
public sealed class NeighbourCandidateTests
{
    private const int Dimensions = 8;

    private static readonly TextClassifierOptions Options = new()
    {
        Folds = 3,
        Lambdas = [1e-4],
        FeatureSets = ["words+embedding", "words+embedding+neighbours"],
        Neighbours = 10,
        Seed = 5,
    };

    [Fact]
    public void Train_XorOfEmbeddingDirections_NeighbourHeadChosen()
    {
        var random = new Random(21);
        var texts = new List<string>();
        var labels = new List<int[]>();
        var vectors = new List<float[]>();
        for (int i = 0; i < 240; i++)
        {
            // Two signs give four clusters; the label is whether the signs agree, and the words carry nothing.
            float x = random.Next(2) == 0 ? -1f : 1f, y = random.Next(2) == 0 ? -1f : 1f;
            vectors.Add(Unit([x, y, .. Enumerable.Range(0, Dimensions - 2).Select(_ => (float)(random.NextDouble() - 0.5) * 0.6f)]));
            labels.Add([x == y ? 0 : 1]);
            texts.Add(Filler(random));
        }

        var result = TextClassifierTrainer.Train(texts, labels, ["same", "different"], multiLabel: true, Options, embeddings: new TextEmbeddings("encoder", 1, vectors), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("words+embedding+neighbours", result.Chosen.FeatureSet);
        Assert.NotNull(result.Model.Neighbours);
        var linear = result.Candidates.Single(c => c.FeatureSet == "words+embedding");
        Assert.True(result.Chosen.Score > linear.Score + 0.1, $"neighbours {result.Chosen.Score:0.000}, linear {linear.Score:0.000}");
    }

    [Fact]
    public void Train_CueWordsAndNoiseEmbeddings_HeadLosesNothing()
    {
        var random = new Random(22);
        var texts = new List<string>();
        var labels = new List<int[]>();
        var vectors = new List<float[]>();
        string[] cues = ["heist", "romance", "cooking"];
        for (int i = 0; i < 240; i++)
        {
            int[] own = [.. Enumerable.Range(0, 3).Where(_ => random.NextDouble() < 0.4)];
            own = own.Length == 0 ? [random.Next(3)] : own;
            labels.Add(own);
            texts.Add(Filler(random) + " " + string.Join(' ', own.Select(l => cues[l])));
            vectors.Add(Unit([.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() - 0.5))]));
        }

        var result = TextClassifierTrainer.Train(texts, labels, cues, multiLabel: true, Options, embeddings: new TextEmbeddings("encoder", 1, vectors), cancellationToken: TestContext.Current.CancellationToken);

        // The stacked head learns how far to trust the votes, and it also recalibrates each label's linear score on
        // out-of-fold rows (here 1.000 against 0.974), so it may be chosen over noise votes; it must not lose by them,
        // and the cue words must still carry the labels.
        var linear = result.Candidates.Single(c => c.FeatureSet == "words+embedding");
        var head = result.Candidates.Single(c => c.FeatureSet == "words+embedding+neighbours");
        Assert.True(head.Score >= linear.Score - 0.02, $"neighbours {head.Score:0.000}, linear {linear.Score:0.000}");
        Assert.True(linear.Score > 0.9, $"linear micro-F1 {linear.Score:0.000}");
        Assert.True(result.Chosen.Score > 0.9, $"chosen micro-F1 {result.Chosen.Score:0.000}");
    }

    private static string Filler(Random random)
    {
        string[] words = ["a", "story", "about", "the", "night", "city", "young", "old", "friends", "family", "journey", "secret"];
        return string.Join(' ', Enumerable.Range(0, 6).Select(_ => words[random.Next(words.Length)]));
    }

    private static float[] Unit(float[] v)
    {
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }
}
