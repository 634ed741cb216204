using MaaS.TestSupport.Text;

namespace MaaS.Models.Tests.Text.Training;

public sealed class TagTrainerTests
{
    private static readonly TagTrainingOptions Options = new()
    {
        Featurizer = new TextFeaturizerSettings { Buckets = 1 << 11, WordNgrams = 2, MarkNegation = false },
        Logistic = new LogisticOptions(Lambda: 1e-4, Epochs: 10, LearningRate: 0.2),
        Seed = 9,
    };

    [Fact]
    public async Task Train_SameSeedConcurrently_BitIdenticalModels()
    {
        var (features, labels, names) = Data(500, 1);
        var rows = Enumerable.Range(0, features.Length).ToArray();

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var result = TagTrainer.Train(features, labels, rows, names, Options, cancellationToken: TestContext.Current.CancellationToken);
            return (Bytes: result.Model.ToOnnx("t"), result.Threshold);
        })));

        Assert.Equal(runs[0].Bytes, runs[1].Bytes);
        Assert.Equal(runs[0].Bytes, runs[2].Bytes);
        Assert.Equal(runs[0].Threshold, runs[2].Threshold);
    }

    [Fact]
    public void Train_CueWordTags_HighMicroF1OnHeldOut()
    {
        var (features, labels, names) = Data(900, 2);
        var train = Enumerable.Range(0, 700).ToArray();
        var test = Enumerable.Range(700, 200).ToArray();

        var result = TagTrainer.Train(features, labels, train, names, Options, cancellationToken: TestContext.Current.CancellationToken);
        var scores = test.Select(i => result.Model.Predict(features[i])).ToArray();
        var metrics = MultiLabelMetrics.Compute(scores.Select(s => TagTrainer.Decide(s, result.Threshold)).ToArray(), scores, test.Select(i => labels[i]).ToArray(), names.Length);

        Assert.Equal(TextModelActivation.Sigmoid, result.Model.Activation);
        Assert.True(metrics.MicroF1 > 0.9, $"micro-F1 {metrics.MicroF1:P1}");
        Assert.True(metrics.PrecisionAt1 > 0.9, $"P@1 {metrics.PrecisionAt1:P1}");
    }

    [Fact]
    public void Decide_NoneAboveThreshold_BestSingleLabel()
    {
        Assert.Equal([2], TagTrainer.Decide([0.1f, 0.2f, 0.3f], 0.5f));
        Assert.Equal([2, 0], TagTrainer.Decide([0.6f, 0.2f, 0.9f], 0.5f));
    }

    [Fact]
    public void Compute_HandExample_MicroMacroAndPrecisionAtK()
    {
        // Example 1: truth {0,1}, predicted {0,2}; example 2: truth {2}, predicted {2}.
        // tp: label0 1, label2 1; fp: label2 1; fn: label1 1 → micro P = 2/3, R = 2/3.
        // per-label F1: label0 1, label1 0, label2 2/3 → macro 5/9.
        int[][] predicted = [[0, 2], [2]];
        float[][] scores = [[0.9f, 0.1f, 0.8f], [0.1f, 0.2f, 0.7f]];
        int[][] truth = [[0, 1], [2]];

        var m = MultiLabelMetrics.Compute(predicted, scores, truth, 3);

        Assert.Equal(2.0 / 3, m.MicroPrecision, 9);
        Assert.Equal(2.0 / 3, m.MicroRecall, 9);
        Assert.Equal(5.0 / 9, m.MacroF1, 9);
        Assert.Equal(1.0, m.PrecisionAt1, 9);
        // top-3 of example 1 holds labels 0,1 (2 of 3 true); of example 2 holds label 2 (1 of 3).
        Assert.Equal((2.0 / 3 + 1.0 / 3) / 2, m.PrecisionAt3, 9);
    }

    private static (TextFeatures[] Features, int[][] Labels, string[] Names) Data(int count, int seed)
    {
        var (texts, labels, names) = SyntheticText.Tags(count, seed);
        var featurizer = new TextFeaturizer(Options.Featurizer);
        return ([.. texts.Select(t => featurizer.Featurize(t))], [.. labels], names);
    }
}
