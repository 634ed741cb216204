using System.CommandLine;
using System.Globalization;
using MaaS.Models.Text.Data;
using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Training;
using Spectre.Console;

namespace MaaS.Cli.Commands;

/// <summary><c>maas train tags</c>: one-vs-rest content tags on Netflix titles, scored on the held-out split.</summary>
internal static partial class TrainCommand
{
    private static Command Tags()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with netflix_titles.csv.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Version folder to write, e.g. models/content-tags/1.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Training seed.", DefaultValueFactory = _ => 20_261_123 };
        var command = new Command("tags", "Multi-label content tags (Netflix genres) from title + description.") { data, output, seed };
        command.SetAction(parse =>
        {
            var dataDir = parse.GetRequiredValue(data);
            var outDir = parse.GetRequiredValue(output);
            if (!ContentCorpus.Exists(dataDir.FullName))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No {ContentCorpus.FileName} in {dataDir.FullName}.[/]");
                return 2;
            }

            if (VersionOf(outDir, "models/content-tags/1") is not int version)
            {
                return 2;
            }

            var options = new TagTrainingOptions { Seed = parse.GetValue(seed) };
            var corpus = ContentCorpus.Load(dataDir.FullName);
            var featurizer = new TextFeaturizer(options.Featurizer);
            var features = corpus.Examples.Select(e => featurizer.Featurize(e.Text)).ToArray();
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
            var decided = scores.Select(s => TagTrainer.Decide(s, result!.Threshold)).ToArray();
            var m = MultiLabelMetrics.Compute(decided, scores, test.Select(i => labels[i]).ToArray(), corpus.LabelNames.Count);
            var table = new Table().Title($"Content tags on the test split ({m.Count} titles, id divisible by 5)").AddColumn("metric").AddColumn("value");
            table.AddRow("micro precision", Pct(m.MicroPrecision)).AddRow("micro recall", Pct(m.MicroRecall)).AddRow("micro F1", Pct(m.MicroF1))
                .AddRow("macro F1", Pct(m.MacroF1)).AddRow("precision@1", Pct(m.PrecisionAt1)).AddRow("precision@3", Pct(m.PrecisionAt3))
                .AddRow("threshold", result!.Threshold.ToString("0.00", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);

            var card = new TextModelCard
            {
                Name = outDir.Parent?.Name ?? "content-tags",
                Version = version,
                Task = "tagging",
                Labels = [.. corpus.LabelNames],
                Activation = "sigmoid",
                Thresholds = [.. Enumerable.Repeat(result.Threshold, corpus.LabelNames.Count)],
                Date = UtcStamp(),
                Data = new()
                {
                    ["source"] = "Netflix titles (netflix_titles.csv, 8,807 rows); text = title + \". \" + description, labels = listed_in",
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
                    ["threshold"] = "one global threshold maximising micro-F1 on a seeded 10% hold-out of the train split; at least one tag per text",
                    ["seed"] = I(options.Seed),
                },
                Featurizer = options.Featurizer,
                Command = CommandLine(parse),
            };
            Write(outDir, result.Model, card,
                "Genre/format tags of a film or series from its title and description (multi-label, sigmoid per tag); trained on Netflix titles.");
            AnsiConsole.MarkupLineInterpolated($"Wrote [green]{Path.Combine(outDir.FullName, TextModelRepository.OnnxFileName)}[/].");
            return 0;
        });
        return command;
    }
}
