namespace MaaS.Models.Text.Training;

/// <summary>
/// NB-LR binary sentiment: per-feature NB log-count ratios r (from training rows only) scale binary n-gram features,
/// an L2 logistic regression learns w on them, and the exported table holds r·w, so serving needs only a linear
/// model over the raw features. Deterministic for a seed. Thread-safe (no shared state).
/// </summary>
public static class SentimentTrainer
{
    /// <summary>Featurizes and trains on every text (labels 0 = negative, 1 = positive).</summary>
    /// <param name="texts">Row texts.</param>
    /// <param name="labels">Each row's label.</param>
    /// <param name="labelNames">The two label names.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="cancellationToken">Checked between fits and before each SGD epoch.</param>
    public static SentimentTrainingResult Train(IReadOnlyList<string> texts, IReadOnlyList<int> labels, IReadOnlyList<string> labelNames, SentimentTrainingOptions options, CancellationToken cancellationToken = default)
    {
        var featurizer = new TextFeaturizer(options.Featurizer);
        var features = SparseDataset.Featurize(featurizer, texts, cancellationToken);
        var rows = Enumerable.Range(0, texts.Count).ToArray();
        return Train(features, labels, rows, labelNames, options, cancellationToken);
    }

    /// <summary>Trains on the given rows of already featurized data.</summary>
    /// <param name="features">Featurized rows.</param>
    /// <param name="labels">Each row's label.</param>
    /// <param name="rows">The rows to train on.</param>
    /// <param name="labelNames">The two label names.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="cancellationToken">Checked between fits and before each SGD epoch.</param>
    public static SentimentTrainingResult Train(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, SentimentTrainingOptions options,
        CancellationToken cancellationToken = default)
    {
        double lambda = options.LambdaGrid[0];
        IReadOnlyList<(double Lambda, double Accuracy)> scores = [];
        if (options.InnerFolds >= 2 && options.LambdaGrid.Length > 1)
        {
            scores = InnerValidation(features, labels, rows, options, cancellationToken);
            lambda = scores.MaxBy(s => s.Accuracy).Lambda;
        }

        var model = Fit(features, labels, rows, labelNames, options, lambda, cancellationToken);
        return new SentimentTrainingResult(model, lambda, scores);
    }

    /// <summary>Accuracy of <paramref name="model"/> on the given rows (argmax of the probabilities).</summary>
    public static double Accuracy(LinearTextModel model, IReadOnlyList<TextFeatures> features, IReadOnlyList<int> labels, IReadOnlyList<int> rows)
    {
        int correct = 0;
        foreach (int row in rows)
        {
            float[] logits = model.Logits(features[row]);
            int predicted = logits[1] > logits[0] ? 1 : 0;
            correct += predicted == labels[row] ? 1 : 0;
        }

        return rows.Count == 0 ? 0 : (double)correct / rows.Count;
    }

    private static List<(double Lambda, double Accuracy)> InnerValidation(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int> labels, IReadOnlyList<int> rows, SentimentTrainingOptions options, CancellationToken cancellationToken)
    {
        var folds = Folds.Assign(rows.Count, options.InnerFolds, options.Seed ^ 0x5EED);
        var results = new List<(double, double)>();
        foreach (double lambda in options.LambdaGrid)
        {
            int correct = 0;
            for (int f = 0; f < options.InnerFolds; f++)
            {
                var train = rows.Where((_, i) => folds[i] != f).ToArray();
                var test = rows.Where((_, i) => folds[i] == f).ToArray();
                var model = Fit(features, labels, train, ["negative", "positive"], options, lambda, cancellationToken);
                correct += (int)Math.Round(Accuracy(model, features, labels, test) * test.Length);
            }

            results.Add((lambda, (double)correct / rows.Count));
        }

        return results;
    }

    private static LinearTextModel Fit(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, SentimentTrainingOptions options, double lambda,
        CancellationToken cancellationToken)
    {
        var targets = rows.Select(r => (float)labels[r]).ToArray();
        var members = new (SparseDataset Data, double[] Weights, double Bias)[options.Members.Length];
        // Members are independent problems: parallel, each deterministic, summed below in member order.
        Parallel.For(0, members.Length, TrainingLoops.On(cancellationToken), m =>
        {
            var data = SparseDataset.Build(features, rows, options.Members[m]);
            int dense = options.Featurizer.Buckets;
            double[] ratios = NaiveBayesRatios.Compute(data, targets, options.Alpha, dense);
            var (w, b) = LogisticSgd.Train(data, targets, ratios, options.Logistic with { Lambda = lambda }, options.Seed + m, cancellationToken);
            if (options.Beta < 1)
            {
                // The interpolation towards plain NB is about count features: embedding columns keep their LR weight.
                double mean = Enumerable.Range(0, w.Length).Where(j => data.ColumnIds[j] < dense).Select(j => Math.Abs(w[j])).DefaultIfEmpty(0).Average();
                for (int j = 0; j < w.Length; j++)
                {
                    if (data.ColumnIds[j] < dense)
                    {
                        w[j] = (1 - options.Beta) * mean + options.Beta * w[j];
                    }
                }
            }

            for (int j = 0; j < w.Length; j++)
            {
                w[j] *= ratios[j];
            }

            members[m] = (data, w, b);
        });

        // Two-column softmax table [-z/2, +z/2]: softmax of it is exactly sigmoid(z).
        var logit = new double[options.Featurizer.FeatureSpace];
        double bias = 0;
        foreach (var (data, w, b) in members)
        {
            for (int j = 0; j < data.ColumnCount; j++)
            {
                logit[data.ColumnIds[j]] += w[j] / members.Length;
            }

            bias += b / members.Length;
        }

        var table = new float[logit.Length * 2];
        for (int id = 0; id < logit.Length; id++)
        {
            table[2 * id] = (float)(-logit[id] / 2);
            table[2 * id + 1] = (float)(logit[id] / 2);
        }

        float halfBias = (float)(bias / 2);
        return new LinearTextModel(options.Featurizer, labelNames, TextModelActivation.Softmax, table, [-halfBias, halfBias]);
    }
}

/// <summary>A trained sentiment model with the λ inner validation chose and the scores behind the choice.</summary>
/// <param name="Model">The model.</param>
/// <param name="Lambda">L2 strength used.</param>
/// <param name="InnerScores">Inner-validation accuracy per λ (empty when not tuned).</param>
public sealed record SentimentTrainingResult(LinearTextModel Model, double Lambda, IReadOnlyList<(double Lambda, double Accuracy)> InnerScores);
