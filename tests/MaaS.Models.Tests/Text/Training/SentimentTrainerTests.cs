using MaaS.TestSupport.Text;

namespace MaaS.Models.Tests.Text.Training;

public sealed class SentimentTrainerTests
{
    private static readonly SentimentTrainingOptions SmallOptions = new()
    {
        Featurizer = new TextFeaturizerSettings { Buckets = 1 << 12, WordNgrams = 2, CharNgramMin = 2, CharNgramMax = 4, CharNgramsSpanWords = true },
        LambdaGrid = [1e-3, 1e-2],
        InnerFolds = 3,
        Logistic = new LogisticOptions(Lambda: 1e-3, Epochs: 8, LearningRate: 0.1),
        Seed = 5,
    };

    [Fact]
    public async Task Train_SameSeedConcurrently_BitIdenticalModels()
    {
        var (texts, labels) = SyntheticText.Sentiment(600, seed: 1);

        // Two trainings at once compete for the thread pool, so their schedules differ; the bytes must not.
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            SentimentTrainer.Train(texts, labels, MovieReviewCorpus.Labels, SmallOptions, TestContext.Current.CancellationToken).Model.ToOnnx("s"))));

        Assert.Equal(runs[0], runs[1]);
        Assert.Equal(runs[0], runs[2]);
    }

    [Fact]
    public void Train_DifferentSeed_DifferentWeights()
    {
        var (texts, labels) = SyntheticText.Sentiment(600, seed: 1);

        byte[] a = SentimentTrainer.Train(texts, labels, MovieReviewCorpus.Labels, SmallOptions, TestContext.Current.CancellationToken).Model.ToOnnx("s");
        byte[] b = SentimentTrainer.Train(texts, labels, MovieReviewCorpus.Labels, SmallOptions with { Seed = 6 }, TestContext.Current.CancellationToken).Model.ToOnnx("s");

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Train_SyntheticPolarity_HeldOutAccuracyNearNoiseCeiling()
    {
        var (texts, labels) = SyntheticText.Sentiment(1200, seed: 2);
        var featurizer = new TextFeaturizer(SmallOptions.Featurizer);
        var features = texts.Select(t => featurizer.Featurize(t)).ToArray();
        var train = Enumerable.Range(0, 1000).ToArray();
        var test = Enumerable.Range(1000, 200).ToArray();

        var result = SentimentTrainer.Train(features, labels, train, MovieReviewCorpus.Labels, SmallOptions, TestContext.Current.CancellationToken);

        // 10% of labels are flipped, so ~90% is the ceiling.
        double accuracy = SentimentTrainer.Accuracy(result.Model, features, labels, test);
        Assert.True(accuracy > 0.85, $"held-out accuracy {accuracy:P1}");
        Assert.Contains(result.Lambda, SmallOptions.LambdaGrid);
        Assert.Equal(SmallOptions.LambdaGrid.Length, result.InnerScores.Count);
    }

    [Fact]
    public void Predict_PositiveAndNegativeCue_ProbabilitiesFollowCue()
    {
        var (texts, labels) = SyntheticText.Sentiment(800, seed: 3);
        var model = SentimentTrainer.Train(texts, labels, MovieReviewCorpus.Labels, SmallOptions, TestContext.Current.CancellationToken).Model;

        float[] positive = model.Predict("the film was brilliant .");
        float[] negative = model.Predict("the film was tedious .");

        Assert.True(positive[1] > 0.7f, $"p(positive | brilliant) = {positive[1]}");
        Assert.True(negative[0] > 0.7f, $"p(negative | tedious) = {negative[0]}");
        Assert.Equal(1f, positive.Sum(), 5);
    }
}
