using MaaS.Models.Text.Data;

namespace MaaS.Models.Text.Training;

/// <summary>
/// k-fold cross-validation of the sentiment trainer on seeded random folds. λ is chosen inside each outer fold by
/// inner cross-validation on that fold's training rows only, so test folds never influence a choice. Folds run in
/// parallel; each is deterministic, so the report depends only on the data, options and seed.
/// </summary>
public static class SentimentCrossValidation
{
    /// <summary>Runs the cross-validation; <paramref name="progress"/> receives the number of finished folds.</summary>
    public static CrossValidationReport Run(LabeledCorpus corpus, SentimentTrainingOptions options, int folds, int foldSeed, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var featurizer = new TextFeaturizer(options.Featurizer);
        var features = SparseDataset.Featurize(featurizer, corpus.Examples.Select(e => e.Text).ToList());
        var labels = corpus.Examples.Select(e => e.Labels[0]).ToArray();
        var assignment = Folds.Assign(features.Length, folds, foldSeed);
        var results = new FoldResult[folds];
        int done = 0;
        Parallel.For(0, folds, fold =>
        {
            var train = Enumerable.Range(0, features.Length).Where(i => assignment[i] != fold).ToArray();
            var test = Enumerable.Range(0, features.Length).Where(i => assignment[i] == fold).ToArray();
            var trained = SentimentTrainer.Train(features, labels, train, corpus.LabelNames, options);
            results[fold] = new FoldResult(fold + 1, train.Length, test.Length, trained.Lambda, SentimentTrainer.Accuracy(trained.Model, features, labels, test));
            progress?.Report(Interlocked.Increment(ref done));
        });

        return new CrossValidationReport(results, foldSeed);
    }
}

/// <summary>One outer fold: sizes, the λ inner validation chose and test accuracy.</summary>
/// <param name="Fold">1-based fold number.</param>
/// <param name="TrainCount">Training rows.</param>
/// <param name="TestCount">Test rows.</param>
/// <param name="Lambda">Chosen L2 strength.</param>
/// <param name="Accuracy">Test accuracy in [0, 1].</param>
public sealed record FoldResult(int Fold, int TrainCount, int TestCount, double Lambda, double Accuracy);

/// <summary>All folds with mean and (sample) standard deviation of the accuracy.</summary>
/// <param name="Folds">Per-fold results in fold order.</param>
/// <param name="FoldSeed">Seed of the fold assignment.</param>
public sealed record CrossValidationReport(IReadOnlyList<FoldResult> Folds, int FoldSeed)
{
    /// <summary>Mean accuracy over folds.</summary>
    public double MeanAccuracy => Folds.Average(f => f.Accuracy);

    /// <summary>Sample standard deviation of fold accuracies.</summary>
    public double StdAccuracy => Folds.Count < 2 ? 0 : Math.Sqrt(Folds.Sum(f => Math.Pow(f.Accuracy - MeanAccuracy, 2)) / (Folds.Count - 1));
}
