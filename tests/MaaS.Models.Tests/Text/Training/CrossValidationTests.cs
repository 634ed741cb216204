namespace MaaS.Models.Tests.Text.Training;

public sealed class CrossValidationTests
{
    [Fact]
    public void Run_MovieReviews10Fold_AccuracyAtLeast80Percent()
    {
        var corpus = MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip());
        // The full nested run (λ chosen by inner 3-fold CV inside each fold) is `maas train sentiment --cv 10`;
        // it takes minutes on 2 cores. Here λ is fixed at 1e-3, the middle of the grid inner validation picks from.
        var options = new SentimentTrainingOptions { InnerFolds = 0, LambdaGrid = [1e-3] };

        var report = SentimentCrossValidation.Run(corpus, options, folds: 10, foldSeed: 20_261_123);

        Assert.Equal(10, report.Folds.Count);
        Assert.Equal(corpus.Examples.Count, report.Folds.Sum(f => f.TestCount));
        Assert.True(report.MeanAccuracy >= 0.80, $"10-fold accuracy {report.MeanAccuracy:P2} (folds: {string.Join(", ", report.Folds.Select(f => f.Accuracy.ToString("P1", CultureInfo.InvariantCulture)))})");
    }

    [Fact]
    public void Assign_Seeded_BalancedAndReproducible()
    {
        int[] a = Folds.Assign(103, 10, 7);
        int[] b = Folds.Assign(103, 10, 7);
        int[] c = Folds.Assign(103, 10, 8);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var sizes = a.GroupBy(f => f).Select(g => g.Count()).ToList();
        Assert.Equal(10, sizes.Count);
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }
}
