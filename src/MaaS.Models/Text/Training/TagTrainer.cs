namespace MaaS.Models.Text.Training;

/// <summary>
/// Multi-label tagging: one binary logistic regression per label over hashed n-grams (labels trained in parallel,
/// each deterministic, so the model does not depend on scheduling), a sigmoid per label, and one decision threshold
/// chosen on held-out training rows to maximise micro-F1. Thread-safe (no shared state).
/// </summary>
public static class TagTrainer
{
    /// <summary>Trains on <paramref name="rows"/>; the threshold is chosen on a seeded hold-out of them, then the model is refitted on all.</summary>
    public static TagTrainingResult Train(IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, TagTrainingOptions options, IProgress<double>? progress = null)
    {
        var shuffled = rows.ToArray();
        new Random(options.Seed ^ 0x7A65).Shuffle(shuffled);
        int validationCount = (int)(shuffled.Length * options.ValidationShare);
        var validation = shuffled[..validationCount];
        var fit = shuffled[validationCount..].Order().ToArray();

        float threshold = 0.5f;
        if (validation.Length > 0)
        {
            var probe = Fit(features, labels, fit, labelNames, options, p => progress?.Report(p / 2));
            var scores = validation.Select(r => probe.Predict(features[r])).ToArray();
            var truth = validation.Select(r => labels[r]).ToArray();
            threshold = ChooseThreshold(scores, truth);
        }

        var model = Fit(features, labels, rows, labelNames, options, p => progress?.Report(validation.Length > 0 ? 0.5 + p / 2 : p));
        return new TagTrainingResult(model, threshold);
    }

    /// <summary>Tags of one prediction: labels at or above the threshold, or the single best when none is.</summary>
    public static int[] Decide(float[] probabilities, float threshold)
    {
        var chosen = new List<int>();
        int best = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            if (probabilities[j] >= threshold)
            {
                chosen.Add(j);
            }

            if (probabilities[j] > probabilities[best])
            {
                best = j;
            }
        }

        return chosen.Count > 0 ? [.. chosen.OrderByDescending(j => probabilities[j]).ThenBy(j => j)] : [best];
    }

    private static float ChooseThreshold(float[][] scores, int[][] truth)
    {
        float best = 0.5f;
        double bestF1 = -1;
        for (int step = 5; step <= 80; step++)
        {
            float threshold = step / 100f;
            var predicted = scores.Select(s => Decide(s, threshold)).ToArray();
            double f1 = MultiLabelMetrics.Compute(predicted, scores, truth, scores[0].Length).MicroF1;
            if (f1 > bestF1)
            {
                (bestF1, best) = (f1, threshold);
            }
        }

        return best;
    }

    private static LinearTextModel Fit(IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, TagTrainingOptions options, Action<double> progress)
    {
        var data = SparseDataset.Build(features, rows);
        int k = labelNames.Count;
        var perLabel = new double[k][];
        var bias = new float[k];
        int done = 0;
        Parallel.For(0, k, label =>
        {
            var targets = rows.Select(r => labels[r].Contains(label) ? 1f : 0f).ToArray();
            double[]? ratios = options.NaiveBayes ? NaiveBayesRatios.Compute(data, targets, options.Alpha) : null;
            var (w, b) = LogisticSgd.Train(data, targets, ratios, options.Logistic, options.Seed + label);
            if (ratios is not null)
            {
                for (int j = 0; j < w.Length; j++)
                {
                    w[j] *= ratios[j];
                }
            }

            perLabel[label] = w;
            bias[label] = (float)b;
            progress((double)Interlocked.Increment(ref done) / k);
        });

        var table = new float[(long)options.Featurizer.Buckets * k];
        for (int label = 0; label < k; label++)
        {
            for (int j = 0; j < data.ColumnCount; j++)
            {
                table[(long)data.ColumnIds[j] * k + label] = (float)perLabel[label][j];
            }
        }

        return new LinearTextModel(options.Featurizer, labelNames, TextModelActivation.Sigmoid, table, bias);
    }
}

/// <summary>A trained tag model and its decision threshold on the probability.</summary>
/// <param name="Model">The model.</param>
/// <param name="Threshold">Tags at or above this probability are emitted (at least one per text).</param>
public sealed record TagTrainingResult(LinearTextModel Model, float Threshold);
