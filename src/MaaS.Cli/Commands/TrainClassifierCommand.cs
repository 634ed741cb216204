using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Training;
using MaaS.Services.Training;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas train classifier</c>: the pipeline of <c>POST /v1/trainings</c> on the operator's machine: the same parser and
/// validation, the same candidates (n-gram sets, each alone and joined with the sentence embedding, × λ) chosen by
/// the same cross-validation, the same ONNX graph and market card, with the trainer's phases printed as it goes.
/// <c>--test</c> scores the model on a held-out file of the same format.
/// </summary>
internal static class TrainClassifierCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data") { Description = "Labelled rows: .csv, .tsv (a text and a label column) or .jsonl ({\"text\",\"label(s)\"} per line).", Required = true };
        var model = new Option<string>("--model") { Description = "Model name (the card's name).", Required = true };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Version folder to write model.onnx and card.json into, e.g. models/reviews/1." };
        var multiLabel = new Option<bool>("--multi-label") { Description = "Several labels per row (a sigmoid per label)." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds (2..10).", DefaultValueFactory = _ => 5 };
        var sets = new Option<string[]>("--feature-sets") { Description = $"Feature sets to try (default all): {string.Join(", ", TextFeatureSets.Names)}.", AllowMultipleArgumentsPerToken = true };
        var lambdas = new Option<double[]>("--lambdas") { Description = "L2 strengths to try (default the task's grid).", AllowMultipleArgumentsPerToken = true };
        var embeddings = new Option<string?>("--embeddings") { Description = "Sentence-embedding model of --models whose vectors join the candidates (as the gateway's Training:EmbeddingModel), e.g. all-minilm-l6-v2." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Model repository holding the --embeddings model.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var cache = new Option<FileInfo?>("--embedding-cache") { Description = "File keeping the training texts' embeddings between runs (the --test texts' in the same name + .test)." };
        var test = new Option<FileInfo?>("--test") { Description = "Held-out rows in the format of --data: prints accuracy (micro-F1 for multi-label) of the trained model on them." };
        var command = new Command("classifier", "A text classifier trained as POST /v1/trainings trains it.") { data, model, output, multiLabel, folds, sets, lambdas, embeddings, models, cache, test };
        command.SetAction(parse =>
        {
            var parameters = new TrainingParameters(
                parse.GetRequiredValue(model), parse.GetValue(multiLabel), parse.GetValue(folds),
                parse.GetValue(lambdas) is { Length: > 0 } l ? l : null, parse.GetValue(sets) is { Length: > 0 } s ? s : null);
            if (Read(parse.GetRequiredValue(data), parameters, 3) is not { } dataset)
            {
                return 2;
            }

            var outDir = parse.GetValue(output);
            int? version = outDir is null ? null : TextModelRepository.VersionOf(outDir.FullName);
            if (outDir is not null && version is null)
            {
                AnsiConsole.MarkupLine("[red]--out must end in a positive integer version folder, e.g. models/reviews/1.[/]");
                return 2;
            }

            TextEmbeddings? vectors = null;
            string note = "not asked for";
            if (parse.GetValue(embeddings) is { } encoderName)
            {
                using var encoder = LocalEncoder.LoadAsync(parse.GetRequiredValue(models).FullName, encoderName).GetAwaiter().GetResult();
                if (encoder is null)
                {
                    return 2;
                }

                vectors = new TextEmbeddings(encoder.Name, encoder.Version, EmbeddingCache.Embed(encoder, [.. dataset.Rows.Select(r => r.Text)], parse.GetValue(cache)));
                note = $"{encoder.Name} v{encoder.Version}";
            }
            else if (dataset.Spec.FeatureSets?.Any(TextFeatureSets.NeedsEmbedding) == true)
            {
                AnsiConsole.MarkupLine("[red]An embedding feature set needs --embeddings.[/]");
                return 2;
            }

            string commandLine = "maas " + string.Join(' ', parse.Tokens.Select(t => t.Value));
            // One line per phase (rather than a live bar) so a captured or logged run shows every step.
            string? last = null;
            var progress = new SynchronousProgress(p =>
            {
                if (p.Phase != last)
                {
                    last = p.Phase;
                    AnsiConsole.WriteLine($"[{p.Fraction * 100,3:0}%] {p.Phase}");
                }
            });
            var trained = TrainingPipeline.Train(
                dataset.Spec, dataset.Rows, dataset.Sha256, dataset.Spec.Model, new TrainingOrigin("by maas train classifier", null, commandLine), vectors, note, progress, CancellationToken.None);
            Print(trained.Outcome);
            if (parse.GetValue(test) is { } testFile && Evaluate(trained, testFile, parameters, parse.GetRequiredValue(models), vectors, parse.GetValue(cache)) is not 0)
            {
                return 2;
            }

            if (outDir is not null)
            {
                Directory.CreateDirectory(outDir.FullName);
                File.WriteAllBytes(Path.Combine(outDir.FullName, RepositoryFiles.Onnx), trained.Onnx);
                File.WriteAllText(Path.Combine(outDir.FullName, RepositoryFiles.Card), trained.Card);
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote [green]{Path.Combine(outDir.FullName, RepositoryFiles.Onnx)}[/] and its card (version {version}).");
            }

            return 0;
        });
        return command;
    }

    private static TrainingDataset? Read(FileInfo file, TrainingParameters parameters, int minExamples)
    {
        string? contentType = file.Extension.ToLowerInvariant() switch
        {
            ".csv" => "text/csv",
            ".tsv" => "text/tab-separated-values",
            ".jsonl" or ".ndjson" => "application/x-ndjson",
            ".json" => "application/json",
            _ => null,
        };
        if (!file.Exists || contentType is null)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]{file.FullName}: not found, or not .csv, .tsv, .jsonl or .json.[/]");
            return null;
        }

        var options = new TrainingOptions { MaxBodyBytes = 1L << 31, MaxRows = 10_000_000, MinExamplesPerLabel = minExamples };
        var parsed = TrainingDatasetParser.Parse(contentType, File.ReadAllBytes(file.FullName), parameters, options);
        if (!parsed.TryGetValue(out var dataset, out var error))
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]{file.FullName}: {error.Message}[/]");
            foreach (var problem in error.Problems)
            {
                if (problem.Index is int row)
                {
                    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]  row {row}, {problem.Field}: {problem.Reason}[/]");
                }
                else
                {
                    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]  {problem.Field}: {problem.Reason}[/]");
                }
            }

            return null;
        }

        return dataset;
    }

    private static void Print(TrainingOutcome outcome)
    {
        var table = new ResultTable($"{outcome.Folds}-fold cross-validation of every candidate ({outcome.Rows} rows)").AddColumns("features", "λ", outcome.Task == "classification" ? "accuracy" : "micro-F1");
        foreach (var candidate in outcome.Candidates)
        {
            string mark = candidate == outcome.Chosen ? " (chosen)" : "";
            table.AddRow(candidate.FeatureSet + mark, candidate.Lambda.ToString("G3", CultureInfo.InvariantCulture), Pct(candidate.Score));
        }

        table.Write();
        var t = outcome.Timings;
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"chosen {outcome.Chosen.FeatureSet}, λ {outcome.Chosen.Lambda:G3}: CV accuracy {Pct(outcome.CrossValidation.Accuracy)}, macro-F1 {outcome.CrossValidation.MacroF1:0.000}, micro-F1 {outcome.CrossValidation.MicroF1:0.000} ({outcome.CrossValidationIs}); embedding: {outcome.Embedding}; {t.TotalSeconds:0.0} s (featurize {t.FeaturizeSeconds:0.0}, CV {t.CrossValidationSeconds:0.0}, final fit {t.FinalFitSeconds:0.0}); peak working set {outcome.PeakWorkingSetBytes / 1048576.0:0} MiB");
    }

    private static int Evaluate(TrainedClassifier trained, FileInfo file, TrainingParameters parameters, DirectoryInfo models, TextEmbeddings? train, FileInfo? cache)
    {
        // Test rows may carry labels the model never saw (they count as misses) and labels with a single example.
        if (Read(file, parameters, 1) is not { } dataset)
        {
            return 2;
        }

        var model = trained.Model;
        var features = dataset.Rows.Select(r => model.Featurizer.Featurize(r.Text)).ToArray();
        if (model.Settings.EmbeddingModel is { } name)
        {
            using var encoder = LocalEncoder.LoadAsync(models.FullName, name).GetAwaiter().GetResult();
            if (encoder is null || encoder.Version != train!.Version)
            {
                return 2;
            }

            // The test rows' vectors sit beside the training rows' cache, so a repeated run embeds neither.
            var vectors = EmbeddingCache.Embed(encoder, [.. dataset.Rows.Select(r => r.Text)], cache is null ? null : new FileInfo(cache.FullName + ".test"));
            features = [.. features.Select((f, i) => f.WithEmbedding(vectors[i], model.Settings))];
        }

        long tp = 0, predicted = 0, actual = 0, exact = 0;
        for (int i = 0; i < features.Length; i++)
        {
            float[] p = model.Predict(features[i]);
            int[] decided = trained.Outcome.Threshold is float threshold ? TagTrainer.Decide(p, threshold) : [Array.IndexOf(p, p.Max())];
            var names = decided.Select(j => model.Labels[j]).ToHashSet(StringComparer.Ordinal);
            var truth = dataset.Rows[i].Labels;
            tp += truth.Count(names.Contains);
            predicted += names.Count;
            actual += truth.Length;
            exact += names.SetEquals(truth) ? 1 : 0;
        }

        double microF1 = predicted + actual == 0 ? 0 : 2.0 * tp / (predicted + actual);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"test {file.Name}: accuracy {Pct((double)exact / features.Length)} ({exact}/{features.Length}), micro-F1 {microF1:0.000}");
        return 0;
    }

    private static string Pct(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
