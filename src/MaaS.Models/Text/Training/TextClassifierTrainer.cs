namespace MaaS.Models.Text.Training;

/// <summary>
/// Trains a text classifier on a tenant's labelled rows: single-label (two labels: the NB-LR sentiment trainer; more:
/// one-vs-rest NB-LR under a softmax) or multi-label (the tag trainer: a sigmoid per label and one threshold). Every
/// candidate (feature set × λ) is scored by k-fold cross-validation on seeded folds (accuracy, or micro-F1 for
/// multi-label); the best is refitted on every row and its out-of-fold predictions give the report. Given the rows'
/// sentence embeddings, the candidates also include each n-gram set joined with the embedding (dimension d is feature
/// <c>Buckets + d</c>, so the model stays one linear table, and serving embeds the text before it runs the table).
/// The report is the chosen candidate's score on the folds it was chosen on, so it is optimistic by the selection
/// among the candidates (callers say so where they show it). Parallel loops run
/// on the caller's <see cref="TaskScheduler.Current"/> (<see cref="TrainingLoops"/>), so a caller bounds the threads by
/// starting this on a scheduler of its own. Deterministic for a seed. Thread-safe (no shared state).
/// </summary>
public static class TextClassifierTrainer
{
    /// <summary>Runs the selection and the final fit.</summary>
    /// <param name="texts">Row texts.</param>
    /// <param name="labels">Label indexes of each row (exactly one for single-label).</param>
    /// <param name="labelNames">Label names, by index.</param>
    /// <param name="multiLabel">Multi-label (sigmoid per label) instead of single-label (softmax).</param>
    /// <param name="options">Candidates and seeds.</param>
    /// <param name="progress">Receives the phase and the fraction done.</param>
    /// <param name="embeddings">Each row's sentence embedding, for the <c>+embedding</c> candidates; null leaves them out.</param>
    /// <param name="cancellationToken">Checked between fits and inside them: before each SGD epoch (never per row), each
    /// stacking step and each row of a neighbour search, so a cancelled run stops within one such step.</param>
    public static TextClassifierResult Train(
        IReadOnlyList<string> texts, IReadOnlyList<int[]> labels, IReadOnlyList<string> labelNames, bool multiLabel,
        TextClassifierOptions options, IProgress<TextTrainingProgress>? progress = null, TextEmbeddings? embeddings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (embeddings is not null && embeddings.Vectors.Count != texts.Count)
        {
            throw new ArgumentException($"{embeddings.Vectors.Count} embeddings for {texts.Count} texts.", nameof(embeddings));
        }

        var total = Stopwatch.StartNew();
        var sets = options.FeatureSets ?? TextFeatureSets.Defaults(embeddings is not null, multiLabel);
        var encoder = embeddings is null ? default((string, long, int)?) : (embeddings.Model, embeddings.Version, embeddings.Dimensions);
        var lambdas = options.LambdaGrid(multiLabel);
        int folds = Math.Clamp(options.Folds, 2, 20);
        int fits = sets.Count * lambdas.Count * folds + 1;
        int done = 0;
        var candidates = new List<CandidateScore>();
        void Step(string phase) => progress?.Report(new TextTrainingProgress(phase, (double)done / fits, [.. candidates]));

        var assignment = Folds.Assign(texts.Count, folds, options.Seed);
        var foldRows = Enumerable.Range(0, folds)
            .Select(f => (Train: Enumerable.Range(0, texts.Count).Where(i => assignment[i] != f).ToArray(), Test: Enumerable.Range(0, texts.Count).Where(i => assignment[i] == f).ToArray()))
            .ToArray();
        var featurizeTime = TimeSpan.Zero;
        var cvTime = Stopwatch.StartNew();
        (CandidateScore Score, TextFeatures[] Features, TextFeaturizerSettings Settings, int[][] Predicted)? best = null;
        var featurized = new Dictionary<TextFeaturizerSettings, TextFeatures[]>();
        foreach (string set in sets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Step($"featurizing ({set})");
            var settings = TextFeatureSets.Settings(set, labelNames.Count, multiLabel, encoder, options.EmbeddingScale);
            int neighbours = multiLabel && TextFeatureSets.UsesNeighbours(set) ? options.Neighbours : 0;
            var featurizeClock = Stopwatch.StartNew();
            // A neighbour set shares its features with the plain embedding set.
            if (!featurized.TryGetValue(settings, out var features))
            {
                features = featurized[settings] = Featurize(texts, settings, embeddings, cancellationToken);
            }

            featurizeTime += featurizeClock.Elapsed;
            Step($"cross-validation ({set})");
            foreach (double lambda in lambdas)
            {
                var predicted = new int[texts.Count][];
                foreach (var (train, test) in foldRows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var fitted = Fit(features, labels, train, labelNames, multiLabel, settings, lambda, options.Seed, neighbours, cancellationToken);
                    foreach (int row in test)
                    {
                        predicted[row] = fitted.Decide(features[row]);
                    }

                    done++;
                    Step($"cross-validation ({set}, λ {lambda.ToString("G3", CultureInfo.InvariantCulture)})");
                }

                var report = ClassificationReport.Compute(predicted, labels, labelNames, multiLabel);
                var score = new CandidateScore(set, lambda, multiLabel ? report.MicroF1 : report.Accuracy);
                candidates.Add(score);
                if (best is null || score.Score > best.Value.Score.Score)
                {
                    best = (score, features, settings, predicted);
                }
            }
        }

        cvTime.Stop();
        var chosen = best!.Value;
        cancellationToken.ThrowIfCancellationRequested();
        Step($"training the final model ({chosen.Score.FeatureSet}, λ {chosen.Score.Lambda.ToString("G3", CultureInfo.InvariantCulture)})");
        var finalClock = Stopwatch.StartNew();
        int chosenNeighbours = multiLabel && TextFeatureSets.UsesNeighbours(chosen.Score.FeatureSet) ? options.Neighbours : 0;
        var model = Fit(
            chosen.Features, labels, Enumerable.Range(0, texts.Count).ToArray(), labelNames, multiLabel, chosen.Settings, chosen.Score.Lambda, options.Seed, chosenNeighbours, cancellationToken);
        finalClock.Stop();
        done = fits;
        Step("trained");
        return new TextClassifierResult(
            model.Model,
            model.Threshold,
            chosen.Score,
            candidates,
            ClassificationReport.Compute(chosen.Predicted, labels, labelNames, multiLabel),
            folds,
            new TextTrainingTimings(featurizeTime.TotalSeconds, cvTime.Elapsed.TotalSeconds - featurizeTime.TotalSeconds, finalClock.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds));
    }

    private static TextFeatures[] Featurize(IReadOnlyList<string> texts, TextFeaturizerSettings settings, TextEmbeddings? embeddings, CancellationToken cancellationToken)
    {
        var features = SparseDataset.Featurize(new TextFeaturizer(settings), texts, cancellationToken);
        if (settings.EmbeddingModel is not null)
        {
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = features[i].WithEmbedding(embeddings!.Vectors[i], settings);
            }
        }

        return features;
    }

    private static Fitted Fit(
        TextFeatures[] features, IReadOnlyList<int[]> labels, int[] rows, IReadOnlyList<string> labelNames, bool multiLabel,
        TextFeaturizerSettings settings, double lambda, int seed, int neighbours, CancellationToken cancellationToken)
    {
        if (multiLabel)
        {
            var options = new TagTrainingOptions { Featurizer = settings, Logistic = new TagTrainingOptions().Logistic with { Lambda = lambda }, Seed = seed, Neighbours = neighbours };
            var tags = TagTrainer.Train(features, labels, rows, labelNames, options, cancellationToken: cancellationToken);
            return new Fitted(tags.Model, tags.Threshold);
        }

        int[] single = [.. labels.Select(l => l[0])];
        if (labelNames.Count == 2)
        {
            var options = new SentimentTrainingOptions { Featurizer = settings, LambdaGrid = [lambda], InnerFolds = 0, Seed = seed };
            return new Fitted(SentimentTrainer.Train(features, single, rows, labelNames, options, cancellationToken).Model, null);
        }

        return new Fitted(OneVersusRest(features, single, rows, labelNames, settings, lambda, seed, cancellationToken), null);
    }

    /// <summary>One NB-LR per label against the rest; their logits go through a softmax, so the argmax is the label whose own model is surest.</summary>
    private static LinearTextModel OneVersusRest(
        TextFeatures[] features, int[] labels, int[] rows, IReadOnlyList<string> labelNames, TextFeaturizerSettings settings, double lambda, int seed, CancellationToken cancellationToken)
    {
        var data = SparseDataset.Build(features, rows);
        int k = labelNames.Count;
        var perLabel = new double[k][];
        var bias = new float[k];
        var logistic = new SentimentTrainingOptions().Logistic with { Lambda = lambda };
        Parallel.For(0, k, TrainingLoops.On(cancellationToken), label =>
        {
            var targets = rows.Select(r => labels[r] == label ? 1f : 0f).ToArray();
            double[] ratios = NaiveBayesRatios.Compute(data, targets, 1.0, settings.Buckets);
            var (w, b) = LogisticSgd.Train(data, targets, ratios, logistic, seed + label, cancellationToken);
            for (int j = 0; j < w.Length; j++)
            {
                w[j] *= ratios[j];
            }

            perLabel[label] = w;
            bias[label] = (float)b;
        });

        var table = new float[(long)settings.FeatureSpace * k];
        for (int label = 0; label < k; label++)
        {
            for (int j = 0; j < data.ColumnCount; j++)
            {
                table[(long)data.ColumnIds[j] * k + label] = (float)perLabel[label][j];
            }
        }

        return new LinearTextModel(settings, labelNames, TextModelActivation.Softmax, table, bias);
    }

    private sealed record Fitted(LinearTextModel Model, float? Threshold)
    {
        public int[] Decide(TextFeatures features)
        {
            float[] p = Model.Predict(features);
            return Threshold is float threshold ? TagTrainer.Decide(p, threshold) : [Array.IndexOf(p, p.Max())];
        }
    }
}

/// <summary>A trained classifier with the choice behind it.</summary>
/// <param name="Model">The model refitted on every row with the chosen candidate.</param>
/// <param name="Threshold">Multi-label decision threshold on each label's probability; null for single-label.</param>
/// <param name="Chosen">The winning candidate.</param>
/// <param name="Candidates">Every candidate's cross-validated score, in the order tried.</param>
/// <param name="Report">Out-of-fold report of the chosen candidate, on the folds that chose it (so optimistic by the selection).</param>
/// <param name="Folds">Folds used.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record TextClassifierResult(
    LinearTextModel Model, float? Threshold, CandidateScore Chosen, IReadOnlyList<CandidateScore> Candidates, ClassificationReport Report, int Folds, TextTrainingTimings Timings);

/// <summary>A candidate and its cross-validated score (accuracy, or micro-F1 for multi-label).</summary>
/// <param name="FeatureSet">The <see cref="TextFeatureSets"/> name.</param>
/// <param name="Lambda">L2 strength.</param>
/// <param name="Score">Cross-validated score in [0, 1].</param>
public sealed record CandidateScore(string FeatureSet, double Lambda, double Score);

/// <summary>Progress of a training run.</summary>
/// <param name="Phase">What runs now.</param>
/// <param name="Fraction">Fraction of the fits done, in [0, 1].</param>
/// <param name="Scored">Candidates scored so far.</param>
public sealed record TextTrainingProgress(string Phase, double Fraction, IReadOnlyList<CandidateScore> Scored);

/// <summary>Seconds spent per stage.</summary>
/// <param name="FeaturizeSeconds">Featurizing the rows (once per feature set).</param>
/// <param name="CrossValidationSeconds">Fitting and scoring the candidates.</param>
/// <param name="FinalFitSeconds">The final fit on every row.</param>
/// <param name="TotalSeconds">All of it.</param>
public sealed record TextTrainingTimings(double FeaturizeSeconds, double CrossValidationSeconds, double FinalFitSeconds, double TotalSeconds);
