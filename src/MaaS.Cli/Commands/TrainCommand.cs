using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Training;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas train sentiment|tags</c>: trains the text models in C# and writes them into the model repository
/// (model.onnx + card.json + model.json), with progress bars; <c>--cv k</c> prints a cross-validation table.
/// </summary>
internal static class TrainCommand
{
    public static Command Create() => new("train", "Train a text model and write it to the model repository.") { Sentiment(), Tags(), TrainClassifierCommand.Create() };

    private static Command Sentiment()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with rt-polarity.neg and rt-polarity.pos (MR).", Required = true };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Version folder to write, e.g. models/sentiment/1." };
        var cv = new Option<int>("--cv") { Description = "Run k-fold cross-validation (seeded random folds; λ chosen by inner CV per fold) and print the table." };
        var foldSeed = new Option<int>("--fold-seed") { Description = "Seed of the CV fold assignment.", DefaultValueFactory = _ => 20_261_123 };
        var seed = new Option<int>("--seed") { Description = "Training seed.", DefaultValueFactory = _ => 20_261_123 };
        var command = new Command("sentiment", "NB-LR sentiment (positive/negative) over hashed word and character n-grams.") { data, output, cv, foldSeed, seed };
        command.SetAction(parse =>
        {
            var dataDir = parse.GetRequiredValue(data);
            var outDir = parse.GetValue(output);
            int folds = parse.GetValue(cv);
            if (!MovieReviewCorpus.Exists(dataDir.FullName))
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No rt-polarity.neg/.pos in {dataDir.FullName}.[/]");
                return 2;
            }

            if (outDir is null && folds < 2)
            {
                AnsiConsole.MarkupLine("[red]Give --out (train and write the model) and/or --cv k (k >= 2).[/]");
                return 2;
            }

            var options = new SentimentTrainingOptions { Seed = parse.GetValue(seed) };
            var corpus = MovieReviewCorpus.Load(dataDir.FullName);
            CrossValidationReport? report = null;
            if (folds >= 2)
            {
                report = RunCrossValidation(corpus, options, folds, parse.GetValue(foldSeed));
            }

            if (outDir is not null)
            {
                return WriteSentiment(corpus, options, outDir, report, CommandLine(parse));
            }

            return 0;
        });
        return command;
    }

    private static CrossValidationReport RunCrossValidation(LabeledCorpus corpus, SentimentTrainingOptions options, int folds, int foldSeed)
    {
        CrossValidationReport? report = null;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"{folds}-fold cross-validation", maxValue: folds);
            report = SentimentCrossValidation.Run(corpus, options, folds, foldSeed, new Progress<int>(done => task.Value = done));
            task.Value = folds;
        });

        var table = new ResultTable($"MR sentiment, {folds}-fold CV (fold seed {foldSeed})")
            .AddColumns("fold", "train", "test", "λ (inner CV)", "accuracy");
        foreach (var fold in report!.Folds)
        {
            table.AddRow(I(fold.Fold), I(fold.TrainCount), I(fold.TestCount), fold.Lambda.ToString("G3", CultureInfo.InvariantCulture), Pct(fold.Accuracy));
        }

        table.AddRow("mean", "", "", "", $"{Pct(report.MeanAccuracy)} ± {Pct(report.StdAccuracy)}");
        table.Write();
        return report;
    }

    private static int WriteSentiment(LabeledCorpus corpus, SentimentTrainingOptions options, DirectoryInfo outDir, CrossValidationReport? report, string command)
    {
        if (VersionOf(outDir, "models/sentiment/1") is not int version)
        {
            return 2;
        }

        SentimentTrainingResult? result = null;
        double trainAccuracy = 0;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("train sentiment (all 10,662 sentences)").IsIndeterminate();
            var texts = corpus.Examples.Select(e => e.Text).ToList();
            var labels = corpus.Examples.Select(e => e.Labels[0]).ToArray();
            var features = new TextFeaturizer(options.Featurizer);
            var featurized = texts.Select(t => features.Featurize(t)).ToArray();
            var rows = Enumerable.Range(0, texts.Count).ToArray();
            result = SentimentTrainer.Train(featurized, labels, rows, corpus.LabelNames, options);
            trainAccuracy = SentimentTrainer.Accuracy(result.Model, featurized, labels, rows);
            task.IsIndeterminate(false).Value = task.MaxValue;
        });

        var metrics = new Dictionary<string, double> { ["trainAccuracy"] = trainAccuracy };
        if (report is not null)
        {
            metrics[$"cv{report.Folds.Count}Accuracy"] = report.MeanAccuracy;
            metrics[$"cv{report.Folds.Count}AccuracyStd"] = report.StdAccuracy;
        }

        string name = outDir.Parent?.Name ?? "sentiment";
        var card = new TextModelCard
        {
            Name = name,
            Version = version,
            Task = "sentiment",
            Labels = [.. corpus.LabelNames],
            Activation = "softmax",
            Date = UtcStamp(),
            Data = new()
            {
                ["source"] = "MR: Pang & Lee sentence polarity v1.0 (rt-polarity.neg/.pos, UTF-8)",
                ["rows"] = I(corpus.Examples.Count),
                ["split"] = report is null ? "all rows" : $"all rows for the model; metrics from {report.Folds.Count}-fold CV, fold seed {report.FoldSeed}",
            },
            Metrics = metrics,
            Training = Hyperparameters(options, result!.Lambda),
            Featurizer = options.Featurizer,
            Command = command,
        };
        Write(outDir, result.Model, card,
            "Binary sentiment (negative/positive) of short English text; NB-LR over hashed word and character n-grams, trained on MR.");
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote [green]{Path.Combine(outDir.FullName, RepositoryFiles.Onnx)}[/] (λ = {result.Lambda:G3}, training accuracy {Pct(trainAccuracy)}).");
        return 0;
    }

    private static Dictionary<string, string> Hyperparameters(SentimentTrainingOptions options, double lambda) => new()
    {
        ["trainer"] = "NB-LR: NBSVM log-count ratios (binary features) + L2 logistic regression by SGD; NBSVM interpolation β",
        ["alpha"] = options.Alpha.ToString("G3", CultureInfo.InvariantCulture),
        ["beta"] = options.Beta.ToString("G3", CultureInfo.InvariantCulture),
        ["lambda"] = lambda.ToString("G3", CultureInfo.InvariantCulture),
        ["lambdaGrid"] = string.Join(",", options.LambdaGrid.Select(l => l.ToString("G3", CultureInfo.InvariantCulture))),
        ["innerFolds"] = I(options.InnerFolds),
        ["epochs"] = I(options.Logistic.Epochs),
        ["learningRate"] = options.Logistic.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
        ["seed"] = I(options.Seed),
    };

    private static Command Tags()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with netflix_titles.csv.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Version folder to write, e.g. models/content-tags/1.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Training seed.", DefaultValueFactory = _ => 20_261_123 };
        var embeddings = new Option<string?>("--embeddings") { Description = "Sentence-embedding model whose vector of each text joins the n-grams (content tags v2), e.g. all-minilm-l6-v2." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Model repository holding the --embeddings model.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var scale = new Option<float>("--embedding-scale") { Description = "Factor on each embedding component (unit vectors have components of about 0.05).", DefaultValueFactory = _ => 4f };
        var cache = new Option<FileInfo?>("--embedding-cache") { Description = "File keeping the texts' embeddings between runs (written when missing or stale)." };
        var perLabel = new Option<bool>("--per-label-thresholds") { Description = "Tune one decision threshold per tag on the hold-out instead of one for all." };
        var epochs = new Option<int?>("--epochs") { Description = "SGD epochs (default 15)." };
        var lambda = new Option<double?>("--lambda") { Description = "L2 strength (default 1e-4)." };
        var rate = new Option<double?>("--learning-rate") { Description = "SGD learning rate (default 0.2)." };
        var l2 = new Option<bool>("--l2-normalize") { Description = "Scale each text's n-gram weights to unit L2 norm (instead of 1 per n-gram)." };
        var exclusive = new Option<bool>("--exclusive-groups") { Description = "Emit only tags of the best tag's group (tags never seen together in training are not emitted together)." };
        var neighbours = new Option<int>("--neighbours") { Description = "Blend in the tag votes of this many nearest training titles by embedding (needs --embeddings; 0: linear only)." };
        var command = new Command("tags", "Multi-label content tags (Netflix genres) from title + description.") { data, output, seed, embeddings, models, scale, cache, perLabel, epochs, lambda, exclusive, rate, l2, neighbours };
        command.SetAction(parse =>
        {
            var dataDir = parse.GetRequiredValue(data);
            var outDir = parse.GetRequiredValue(output);
            if (!ContentCorpus.Exists(dataDir.FullName))
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No {ContentCorpus.FileName} in {dataDir.FullName}.[/]");
                return 2;
            }

            if (VersionOf(outDir, "models/content-tags/1") is not int version)
            {
                return 2;
            }

            var options = new TagTrainingOptions { Seed = parse.GetValue(seed), PerLabelThresholds = parse.GetValue(perLabel), ExclusiveLabelGroups = parse.GetValue(exclusive), Neighbours = parse.GetValue(neighbours) };
            if (options.Neighbours > 0 && parse.GetValue(embeddings) is null)
            {
                AnsiConsole.MarkupLine("[red]--neighbours needs --embeddings.[/]");
                return 2;
            }

            options = options with
            {
                Logistic = options.Logistic with
                {
                    Epochs = parse.GetValue(epochs) ?? options.Logistic.Epochs,
                    Lambda = parse.GetValue(lambda) ?? options.Logistic.Lambda,
                    LearningRate = parse.GetValue(rate) ?? options.Logistic.LearningRate,
                },
                Featurizer = parse.GetValue(l2) ? options.Featurizer with { Weighting = FeatureWeighting.L2Normalized } : options.Featurizer,
            };
            var corpus = ContentCorpus.Load(dataDir.FullName);
            var featurizer = new TextFeaturizer(options.Featurizer);
            var features = corpus.Examples.Select(e => featurizer.Featurize(e.Text)).ToArray();
            if (parse.GetValue(embeddings) is { } embeddingModel)
            {
                using var encoder = LocalEncoder.LoadAsync(parse.GetRequiredValue(models).FullName, embeddingModel).GetAwaiter().GetResult();
                if (encoder is null)
                {
                    return 2;
                }

                var vectors = EmbeddingCache.Embed(encoder, [.. corpus.Examples.Select(e => e.Text)], parse.GetValue(cache));
                options = options with
                {
                    Featurizer = options.Featurizer with
                    {
                        EmbeddingModel = encoder.Name,
                        EmbeddingVersion = encoder.Version,
                        EmbeddingDimensions = vectors[0].Length,
                        EmbeddingScale = parse.GetValue(scale),
                    },
                };
                features = [.. features.Select((f, i) => f.WithEmbedding(vectors[i], options.Featurizer))];
            }

            var labels = corpus.Examples.Select(e => e.Labels).ToArray();
            var train = Enumerable.Range(0, features.Length).Where(i => !ContentCorpus.IsTest(corpus.Examples[i].Id)).ToArray();
            var test = Enumerable.Range(0, features.Length).Where(i => ContentCorpus.IsTest(corpus.Examples[i].Id)).ToArray();

            TagTrainingResult? result = null;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"train {corpus.LabelNames.Count} tags on {train.Length} titles", maxValue: 1.0);
                result = TagTrainer.Train(features, labels, train, corpus.LabelNames, options, new Progress<double>(p => task.Value = Math.Max(task.Value, p)));
                task.Value = 1.0;
            });

            var scores = test.Select(i => result!.Model.Predict(features[i])).ToArray();
            var decided = scores.Select(s => TagTrainer.Decide(s, result!.LabelThresholds, result.Groups)).ToArray();
            var m = MultiLabelMetrics.Compute(decided, scores, test.Select(i => labels[i]).ToArray(), corpus.LabelNames.Count);
            var table = new ResultTable($"Content tags on the test split ({m.Count} titles, id divisible by 5)").AddColumns("metric", "value");
            table.AddRow("micro precision", Pct(m.MicroPrecision)).AddRow("micro recall", Pct(m.MicroRecall)).AddRow("micro F1", Pct(m.MicroF1))
                .AddRow("macro F1", Pct(m.MacroF1)).AddRow("precision@1", Pct(m.PrecisionAt1)).AddRow("precision@3", Pct(m.PrecisionAt3))
                .AddRow("neighbour votes", result!.Model.Neighbours is { } head ? $"{head.K} neighbours, cosine^{head.Sharpness.ToString("0", CultureInfo.InvariantCulture)}, " + (head.Stacking is null ? $"weight {head.Weight.ToString("0.00", CultureInfo.InvariantCulture)}" : "stacked") : "none")
                .AddRow("threshold", result.Thresholds is { } own
                    ? $"per label, {own.Min().ToString("0.00", CultureInfo.InvariantCulture)}–{own.Max().ToString("0.00", CultureInfo.InvariantCulture)}"
                    : result.Threshold.ToString("0.00", CultureInfo.InvariantCulture));
            table.Write();

            var card = new TextModelCard
            {
                Name = outDir.Parent?.Name ?? "content-tags",
                Version = version,
                Task = "tagging",
                Labels = [.. corpus.LabelNames],
                Activation = "sigmoid",
                Thresholds = result.LabelThresholds,
                LabelGroups = result.Groups,
                Date = UtcStamp(),
                Data = new()
                {
                    ["source"] = "Netflix titles (netflix_titles.csv, 8,807 rows); text = title + \". \" + description, labels = listed_in"
                        + (options.Featurizer.EmbeddingModel is { } used ? $"; features = hashed n-grams + the {used} v{options.Featurizer.EmbeddingVersion} embedding of the text" : ""),
                    ["train"] = I(train.Length),
                    ["test"] = I(test.Length),
                    ["split"] = "test = numeric show id divisible by 5; the model is trained on the train split only",
                },
                Metrics = new()
                {
                    ["testMicroPrecision"] = m.MicroPrecision,
                    ["testMicroRecall"] = m.MicroRecall,
                    ["testMicroF1"] = m.MicroF1,
                    ["testMacroF1"] = m.MacroF1,
                    ["testPrecisionAt1"] = m.PrecisionAt1,
                    ["testPrecisionAt3"] = m.PrecisionAt3,
                },
                Training = new()
                {
                    ["trainer"] = "one-vs-rest L2 logistic regression (SGD), labels trained in parallel, deterministic per seed",
                    ["lambda"] = options.Logistic.Lambda.ToString("G3", CultureInfo.InvariantCulture),
                    ["epochs"] = I(options.Logistic.Epochs),
                    ["learningRate"] = options.Logistic.LearningRate.ToString("G3", CultureInfo.InvariantCulture),
                    ["threshold"] = options.PerLabelThresholds
                        ? "one threshold per tag: coordinate ascent on micro-F1 from the best global one, on a seeded 10% hold-out of the train split; at least one tag per text"
                        : "one global threshold maximising micro-F1 on a seeded 10% hold-out of the train split; at least one tag per text"
                        + (options.ExclusiveLabelGroups ? "; only tags of the best tag's group (tags that never share a training title are never emitted together)" : ""),
                    ["neighbours"] = result.Model.Neighbours is { Stacking: not null } stacked
                        ? $"tag votes of the {I(stacked.K)} nearest train titles by cosine of their embeddings (weights max(cosine, 0)^{stacked.Sharpness.ToString("0", CultureInfo.InvariantCulture)}), combined with the linear probabilities by a logistic regression per tag over both{(stacked.Stacking!.UsesLogits ? " and the linear log-odds" : "")}, fitted on {I(options.StackFolds)}-fold out-of-fold scores of the train split (the threshold too)"
                        : result.Model.Neighbours is { } votes
                        ? $"tag votes of the {I(votes.K)} nearest train titles by cosine of their embeddings (weights max(cosine, 0)^{votes.Sharpness.ToString("0", CultureInfo.InvariantCulture)}), blended with weight {votes.Weight.ToString("0.00", CultureInfo.InvariantCulture)}; count, power and weight chosen on the same hold-out"
                        : "none",
                    ["seed"] = I(options.Seed),
                },
                Featurizer = options.Featurizer,
                Command = CommandLine(parse),
            };
            Write(outDir, result.Model, card,
                "Genre/format tags of a film or series from its title and description (multi-label, sigmoid per tag); trained on Netflix titles"
                + (options.Featurizer.EmbeddingModel is { } model ? $", from n-grams and {model} sentence embeddings." : "."));
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote [green]{Path.Combine(outDir.FullName, RepositoryFiles.Onnx)}[/].");
            return 0;
        });
        return command;
    }

    /// <summary>The version number <paramref name="outDir"/> ends in, or null after saying it must end in one.</summary>
    private static int? VersionOf(DirectoryInfo outDir, string example)
    {
        if (TextModelRepository.VersionOf(outDir.FullName) is int version)
        {
            return version;
        }

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]--out must end in a positive integer version folder, e.g. {example}.[/]");
        return null;
    }

    /// <summary>Writes model.onnx and card.json into the version folder and model.json beside it, with the card's task and labels.</summary>
    private static void Write(DirectoryInfo outDir, LinearTextModel model, TextModelCard card, string description)
    {
        var config = new TextModelConfig { Task = card.Task, Description = description, Labels = card.Labels };
        TextModelRepository.Write(outDir.FullName, model, card, config);
    }

    private static string UtcStamp() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string CommandLine(ParseResult parse) =>
        "maas " + string.Join(' ', parse.Tokens.Select(t => t.Value));

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
