namespace MaaS.Models.Text.Training;

/// <summary>
/// Multi-label tagging: one binary logistic regression per label over hashed n-grams (labels trained in parallel,
/// each deterministic, so the model does not depend on scheduling), a sigmoid per label, and one decision threshold
/// chosen on held-out training rows to maximise micro-F1; optionally a <see cref="NeighbourVotes"/> head over the
/// rows' sentence embeddings, its neighbour count, vote sharpness and blend weight chosen on the same hold-out, or, by
/// default, combined with the linear scores by a <see cref="VoteStacking"/> fitted on out-of-fold scores. Thread-safe (no shared state).
/// </summary>
public static class TagTrainer
{
    /// <summary>Trains on <paramref name="rows"/>; the threshold is chosen on a seeded hold-out of them, then the model is refitted on all.</summary>
    /// <param name="features">Featurized rows.</param>
    /// <param name="labels">Each row's labels.</param>
    /// <param name="rows">The rows to train on.</param>
    /// <param name="labelNames">Label names, by index.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="progress">Receives the fraction done.</param>
    /// <param name="cancellationToken">Checked between fits, before each SGD epoch and stacking step, and per row of a neighbour search.</param>
    public static TagTrainingResult Train(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, TagTrainingOptions options,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Neighbours > 0 && options.StackVotes)
        {
            return TrainStacked(features, labels, rows, labelNames, options, progress, cancellationToken);
        }

        var shuffled = rows.ToArray();
        new Random(options.Seed ^ 0x7A65).Shuffle(shuffled);
        int validationCount = (int)(shuffled.Length * options.ValidationShare);
        var validation = shuffled[..validationCount];
        var fit = shuffled[validationCount..].Order().ToArray();

        int[]? groups = options.ExclusiveLabelGroups ? LabelGroups(labels, rows, labelNames.Count) : null;
        float threshold = 0.5f;
        float[]? perLabel = null;
        float voteWeight = options.NeighbourWeights.Count > 0 ? options.NeighbourWeights[0] : 0.5f;
        float sharpness = 1f;
        int neighbours = options.Neighbours;
        if (validation.Length > 0)
        {
            var probe = Fit(features, labels, fit, labelNames, options, p => progress?.Report(p / 2), cancellationToken);
            var scores = validation.Select(r => probe.Predict(features[r])).ToArray();
            var truth = validation.Select(r => labels[r]).ToArray();
            if (options.Neighbours > 0)
            {
                var heldOut = validation.Select(r => features[r]).ToArray();
                (float[][] Scores, float Weight, double F1, int K, float Sharpness)? best = null;
                foreach (int k in (int[])[Math.Max(1, options.Neighbours / 2), options.Neighbours, options.Neighbours * 2])
                {
                    var head = Neighbours(features, labels, fit, labelNames.Count, options with { Neighbours = k }, 1f);
                    foreach (float power in options.NeighbourSharpness)
                    {
                        var (blended, weight, f1) = ChooseVoteWeight(scores, truth, head.With(1f, power), heldOut, options, groups, cancellationToken);
                        if (best is null || f1 > best.Value.F1)
                        {
                            best = (blended, weight, f1, k, power);
                        }
                    }
                }

                (scores, voteWeight, _, neighbours, sharpness) = best!.Value;
            }

            threshold = ChooseThreshold(scores, truth, groups);
            perLabel = options.PerLabelThresholds ? ChooseThresholds(scores, truth, threshold, groups) : null;
        }

        var model = Fit(features, labels, rows, labelNames, options, p => progress?.Report(validation.Length > 0 ? 0.5 + p / 2 : p), cancellationToken);
        if (options.Neighbours > 0)
        {
            model = model.WithNeighbours(Neighbours(features, labels, rows, labelNames.Count, options with { Neighbours = neighbours }, voteWeight).With(voteWeight, sharpness));
        }

        return new TagTrainingResult(model, threshold, perLabel, groups);
    }

    /// <summary>
    /// The stacked head: the rows split into <see cref="TagTrainingOptions.StackFolds"/> seeded folds; each fold's rows
    /// get the linear probabilities of a model fitted on the other folds and the votes of their nearest rows in the other
    /// folds; a <see cref="VoteStacking"/> is fitted on those out-of-fold inputs, the threshold chosen on its scores of them;
    /// then the linear model and the head are built on every row and joined by the stack.
    /// </summary>
    private static TagTrainingResult TrainStacked(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, TagTrainingOptions options,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        int k = labelNames.Count;
        int folds = Math.Clamp(options.StackFolds, 2, Math.Max(2, rows.Count));
        var assignment = Folds.Assign(rows.Count, folds, options.Seed ^ 0x57AC);
        var linear = new float[rows.Count][];
        var votes = new float[rows.Count][];
        int[]? groups = options.ExclusiveLabelGroups ? LabelGroups(labels, rows, k) : null;
        for (int fold = 0; fold < folds; fold++)
        {
            var fit = rows.Where((_, i) => assignment[i] != fold).ToArray();
            int done = fold;
            var probe = Fit(features, labels, fit, labelNames, options, p => progress?.Report((done + p) / (folds + 1)), cancellationToken);
            var head = Neighbours(features, labels, fit, k, options, 0f).With(0f, options.StackSharpness);
            for (int i = 0; i < rows.Count; i++)
            {
                if (assignment[i] == fold)
                {
                    // A neighbour search scans every fitted row: the one per-row check of the trainers.
                    cancellationToken.ThrowIfCancellationRequested();
                    linear[i] = probe.Predict(features[rows[i]]);
                    votes[i] = new float[k];
                    head.Votes(NeighbourVotes.EmbeddingOf(features[rows[i]], options.Featurizer)!, votes[i]);
                }
            }
        }

        var truth = rows.Select(r => labels[r]).ToArray();
        var stack = VoteStacker.Fit(linear, votes, truth, k, options.StackLambda, options.StackLogits, cancellationToken);
        var scores = linear.Select((p, i) =>
        {
            var s = new float[k];
            stack.Apply(p, votes[i], s);
            return s;
        }).ToArray();
        float threshold = ChooseThreshold(scores, truth, groups);
        float[]? perLabel = options.PerLabelThresholds ? ChooseThresholds(scores, truth, threshold, groups) : null;
        var model = Fit(features, labels, rows, labelNames, options, p => progress?.Report((folds + p) / (folds + 1)), cancellationToken);
        model = model.WithNeighbours(Neighbours(features, labels, rows, k, options, 0f).With(0f, options.StackSharpness).WithStacking(stack));
        return new TagTrainingResult(model, threshold, perLabel, groups);
    }

    /// <summary>The neighbour head over <paramref name="rows"/>' embeddings (every row must carry one).</summary>
    private static NeighbourVotes Neighbours(IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, int labelCount, TagTrainingOptions options, float weight)
    {
        var embeddings = rows.Select(r => NeighbourVotes.EmbeddingOf(features[r], options.Featurizer)
            ?? throw new ArgumentException($"Row {r} has no sentence embedding; the neighbour head needs one per row.", nameof(features))).ToArray();
        return NeighbourVotes.Build(embeddings, [.. rows.Select(r => labels[r])], labelCount, options.Neighbours, weight);
    }

    /// <summary>
    /// The vote weight whose blend scores best on the hold-out (micro-F1 at its own best threshold; ties keep the
    /// earlier weight), with the blended hold-out scores and that micro-F1.
    /// </summary>
    private static (float[][] Scores, float Weight, double F1) ChooseVoteWeight(
        float[][] linear, int[][] truth, NeighbourVotes votes, TextFeatures[] heldOut, TagTrainingOptions options, int[]? groups, CancellationToken cancellationToken)
    {
        var shares = heldOut.Select(f =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var v = new float[votes.LabelCount];
            votes.Votes(NeighbourVotes.EmbeddingOf(f, options.Featurizer)!, v);
            return v;
        }).ToArray();
        (float[][] Scores, float Weight, double F1)? best = null;
        foreach (float weight in options.NeighbourWeights)
        {
            var blended = linear.Select((p, i) => p.Select((x, j) => ((1f - weight) * x) + (weight * shares[i][j])).ToArray()).ToArray();
            float threshold = ChooseThreshold(blended, truth, groups);
            double f1 = MicroF1(blended, truth, [.. Enumerable.Repeat(threshold, votes.LabelCount)], groups);
            if (best is null || f1 > best.Value.F1)
            {
                best = (blended, weight, f1);
            }
        }

        return best is { } b ? b : (linear, 0f, 0);
    }

    /// <summary>
    /// Groups of labels that occur together: labels are joined when some training row carries both, and the groups are
    /// the connected components, numbered by their lowest label. Labels of different groups never shared a row (on
    /// Netflix: movie genres and TV genres), so a decision can keep to one group.
    /// </summary>
    public static int[] LabelGroups(IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        var parent = Enumerable.Range(0, labelCount).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }

            return x;
        }

        foreach (int row in rows)
        {
            for (int i = 1; i < labels[row].Length; i++)
            {
                int a = Find(labels[row][0]), b = Find(labels[row][i]);
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        return [.. Enumerable.Range(0, labelCount).Select(Find)];
    }

    /// <summary>Tags of one prediction: labels at or above their own threshold, or the single best when none is; with
    /// <paramref name="groups"/>, only labels of the best label's group (see <see cref="LabelGroups"/>).</summary>
    public static int[] Decide(float[] probabilities, IReadOnlyList<float> thresholds, IReadOnlyList<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(thresholds);
        int best = 0;
        for (int j = 1; j < probabilities.Length; j++)
        {
            if (probabilities[j] > probabilities[best])
            {
                best = j;
            }
        }

        var chosen = new List<int>();
        for (int j = 0; j < probabilities.Length; j++)
        {
            if (probabilities[j] >= thresholds[j] && (groups is null || groups[j] == groups[best]))
            {
                chosen.Add(j);
            }
        }

        return chosen.Count > 0 ? [.. chosen.OrderByDescending(j => probabilities[j]).ThenBy(j => j)] : [best];
    }

    /// <summary>
    /// Per-label thresholds by coordinate ascent on validation micro-F1, from the global one: two passes over the
    /// labels, each label moved to the grid value that raises micro-F1 most with the others fixed (ties keep it).
    /// </summary>
    private static float[] ChooseThresholds(float[][] scores, int[][] truth, float global, int[]? groups)
    {
        int k = scores[0].Length;
        var thresholds = Enumerable.Repeat(global, k).ToArray();
        double best = MicroF1(scores, truth, thresholds, groups);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int label = 0; label < k; label++)
            {
                float kept = thresholds[label];
                for (int step = 5; step <= 80; step++)
                {
                    thresholds[label] = step / 100f;
                    double f1 = MicroF1(scores, truth, thresholds, groups);
                    if (f1 > best)
                    {
                        (best, kept) = (f1, thresholds[label]);
                    }
                }

                thresholds[label] = kept;
            }
        }

        return thresholds;
    }

    private static double MicroF1(float[][] scores, int[][] truth, float[] thresholds, int[]? groups)
    {
        long tp = 0, predicted = 0, actual = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            var decided = Decide(scores[i], thresholds, groups);
            predicted += decided.Length;
            actual += truth[i].Length;
            tp += decided.Count(truth[i].Contains);
        }

        return predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual);
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

    private static float ChooseThreshold(float[][] scores, int[][] truth, int[]? groups)
    {
        float best = 0.5f;
        double bestF1 = -1;
        for (int step = 5; step <= 80; step++)
        {
            float threshold = step / 100f;
            var all = Enumerable.Repeat(threshold, scores[0].Length).ToArray();
            var predicted = scores.Select(s => groups is null ? Decide(s, threshold) : Decide(s, all, groups)).ToArray();
            double f1 = MultiLabelMetrics.Compute(predicted, scores, truth, scores[0].Length).MicroF1;
            if (f1 > bestF1)
            {
                (bestF1, best) = (f1, threshold);
            }
        }

        return best;
    }

    private static LinearTextModel Fit(
        IReadOnlyList<TextFeatures> features, IReadOnlyList<int[]> labels, IReadOnlyList<int> rows, IReadOnlyList<string> labelNames, TagTrainingOptions options, Action<double> progress,
        CancellationToken cancellationToken)
    {
        var data = SparseDataset.Build(features, rows);
        int k = labelNames.Count;
        var perLabel = new double[k][];
        var bias = new float[k];
        int done = 0;
        Parallel.For(0, k, TrainingLoops.On(cancellationToken), label =>
        {
            var targets = rows.Select(r => labels[r].Contains(label) ? 1f : 0f).ToArray();
            double[]? ratios = options.NaiveBayes ? NaiveBayesRatios.Compute(data, targets, options.Alpha, options.Featurizer.Buckets) : null;
            var (w, b) = LogisticSgd.Train(data, targets, ratios, options.Logistic, options.Seed + label, cancellationToken);
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

        var table = new float[(long)options.Featurizer.FeatureSpace * k];
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
/// <param name="Thresholds">Per-label thresholds when <see cref="TagTrainingOptions.PerLabelThresholds"/> (then they decide, not <paramref name="Threshold"/>).</param>
/// <param name="Groups">Each label's group when <see cref="TagTrainingOptions.ExclusiveLabelGroups"/>, else null.</param>
public sealed record TagTrainingResult(LinearTextModel Model, float Threshold, float[]? Thresholds = null, int[]? Groups = null)
{
    /// <summary>The threshold of every label.</summary>
    public float[] LabelThresholds => Thresholds ?? [.. Enumerable.Repeat(Threshold, Model.Labels.Count)];
}
