using System.CommandLine;
using System.Globalization;
using MaaS.Models.Text.Data;
using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Training;
using Spectre.Console;

namespace MaaS.Cli.Commands;

/// <summary><c>maas train sentiment</c>: NB-LR on MR, with optional k-fold cross-validation.</summary>
internal static partial class TrainCommand
{
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
                AnsiConsole.MarkupLineInterpolated($"[red]No rt-polarity.neg/.pos in {dataDir.FullName}.[/]");
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

        var table = new Table().Title($"MR sentiment, {folds}-fold CV (fold seed {foldSeed})")
            .AddColumn("fold").AddColumn("train").AddColumn("test").AddColumn("λ (inner CV)").AddColumn("accuracy");
        foreach (var fold in report!.Folds)
        {
            table.AddRow(I(fold.Fold), I(fold.TrainCount), I(fold.TestCount), fold.Lambda.ToString("G3", CultureInfo.InvariantCulture), Pct(fold.Accuracy));
        }

        table.AddRow("mean", "", "", "", $"{Pct(report.MeanAccuracy)} ± {Pct(report.StdAccuracy)}");
        AnsiConsole.Write(table);
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
        AnsiConsole.MarkupLineInterpolated($"Wrote [green]{Path.Combine(outDir.FullName, TextModelRepository.OnnxFileName)}[/] (λ = {result.Lambda:G3}, training accuracy {Pct(trainAccuracy)}).");
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
}
