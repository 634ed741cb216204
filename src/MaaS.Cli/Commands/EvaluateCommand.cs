using MaaS.Recommendations.Hybrid;
using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Ranking;
using MaaS.Services.Recommendations;
using MaaS.Services.Recommendations.Evaluation;
using MaaS.Services.Recommendations.Serving;
using CatalogItem = MaaS.Storage.Abstractions.CatalogItem;
using StorageLimits = MaaS.Storage.Abstractions.StorageLimits;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas evaluate</c>: offline ranking metrics (microsoft/recommenders' protocol) of what the API serves. Each rating
/// is a <c>rate</c> event and is ranked by the recommendation service's own path (<see cref="ServingEvaluator"/>). That
/// path uses the service's default settings: event weights, history limit and popularity half-life.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>The index presets <c>--preset</c> accepts, <c>all</c> standing for the three.</summary>
    private static readonly string[] Presets = ["default", "ease", "sar-jaccard", "all"];

    public static Command Create()
    {
        var train = new Option<FileInfo?>("--train") { Description = "Training TSV (user item rating timestamp); give --test with it. Default: shared ml-100k split." };
        var test = new Option<FileInfo?>("--test") { Description = "Test TSV; give --train with it. Default: shared ml-100k split." };
        var preset = new Option<string>("--preset") { Description = string.Join(" | ", Presets), DefaultValueFactory = _ => "all" };
        // Refused while parsing, so a typo costs nothing: no data is read first.
        preset.AcceptOnlyFromAmong(Presets);
        var top = new Option<int>("--top", "-k") { Description = "Cut-off K.", DefaultValueFactory = _ => 10 };
        var tune = new Option<bool>("--tune") { Description = "Choose parameters on a validation split carved from --train (the test split is only used to report the winner)." };
        var grid = new Option<string>("--grid") { Description = "Tuning grid: knn (the grid behind the default) | ease", DefaultValueFactory = _ => "knn" };
        grid.AcceptOnlyFromAmong("knn", "ease");
        var seed = new Option<int>("--seed") { Description = "Seed of the validation split (and of the cold-item hold-out).", DefaultValueFactory = _ => 42 };
        var protocol = new Option<string>("--protocol")
        {
            Description = "standard (CF presets) | hybrid (cf vs content vs hybrid) | cold-items (10% of items held out of training) | similar-items (Netflix \"more like this\" tag precision, TF-IDF vs embeddings) | search (Netflix tag-name and description queries by embeddings)",
            DefaultValueFactory = _ => "standard",
        };
        var embedTitles = new Option<bool>("--embed-titles") { Description = "cold-items: also score the content engine with sentence embeddings of the titles, at each embedding weight λ." };
        var data = new Option<DirectoryInfo?>("--data") { Description = "similar-items: folder with netflix_titles.csv. Default: shared content data." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Model repository holding the embedding model (similar-items, --embed-titles).", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var embeddingCache = new Option<FileInfo?>("--embedding-cache") { Description = "similar-items, search: file of the titles' embeddings, read when it holds this model's vectors of these texts, else written." };
        var embeddingModel = new Option<string>("--embedding-model") { Description = "Sentence-embedding model in --models.", DefaultValueFactory = _ => Models.Embeddings.EmbeddingService.DefaultModel };
        var items = new Option<FileInfo?>("--items") { Description = "MovieLens u.item for content features (hybrid, cold-items). Default: shared ml-100k." };
        var beta = new Option<float?>("--beta") { Description = "Hybrid β (w_cf = n / (n + β)); default the tuned one. --tune chooses it on a validation split of train." };
        var alpha = new Option<float?>("--alpha") { Description = "Hybrid content weight α in (0, 1]; default the tuned one." };
        var slots = new Option<int?>("--new-item-slots") { Description = "Hybrid positions reserved for items without interactions; default the tuned one." };
        var coldShare = new Option<double>("--cold-share") { Description = "Share of items held out (cold-items).", DefaultValueFactory = _ => 0.1 };
        var historyLimit = new Option<int>("--history-limit")
        {
            Description = "Most recent events per user the API reads to rank (Recommendations:HistoryLimit).",
            DefaultValueFactory = _ => new RecommendationOptions().HistoryLimit,
        };
        var debias = new Option<string>("--debias") { Description = "Re-rank as POST /v1/recommend's debias does: none | popularity | calibrated (genres from u.item; standard protocol).", DefaultValueFactory = _ => "none" };
        debias.AcceptOnlyFromAmong("none", "popularity", "calibrated");
        var strength = new Option<float>("--strength")
        {
            Description = "Debias strength λ in [0, 1].",
            DefaultValueFactory = _ => RecommendationLimits.DefaultDebiasStrength,
        };
        var sweep = new Option<string?>("--sweep") { Description = "Comma-separated strengths: prints the debias trade-off table of the first preset (--debias, default popularity)." };
        var exposureBy = new Option<string>("--exposure-by")
        {
            Description = "Item attribute of the exposure table (standard protocol, shared split): genre, kind, tag, or a tag attribute (ml-100k items carry year and decade).",
            DefaultValueFactory = _ => ExposureGroups.DefaultAttribute,
        };
        var curve = new Option<FileInfo?>("--curve") { Description = "With --sweep: write the trade-off curve (nDCG@K against coverage) to this SVG file." };
        var command = new Command("evaluate", "Evaluate the item-CF engine offline: MAP, nDCG@K, Precision@K, Recall@K, coverage, bias (Gini, novelty, popularity lift, exposure by genre), and int8/float16 compression.")
        {
            train, test, preset, top, tune, grid, seed, protocol, items, beta, alpha, slots, coldShare, historyLimit, debias, strength, sweep, curve, exposureBy, embedTitles, data, models,
            embeddingModel, embeddingCache,
        };
        command.Validators.Add(result =>
        {
            foreach (var file in new[] { train, test, items })
            {
                if (result.GetValue(file) is { Exists: false } missing)
                {
                    result.AddError($"{file.Name} {missing.FullName}: file not found.");
                }
            }

            // A train file scored against another data set's test split gives numbers that mean nothing.
            if ((result.GetResult(train) is null) != (result.GetResult(test) is null))
            {
                result.AddError("Give --train and --test together (or neither, for the shared ml-100k split).");
            }
        });
        command.SetAction(parse => parse.GetValue(protocol) switch
        {
            _ when parse.GetValue(historyLimit) is < 1 or > StorageLimits.MaxReadLimit => Refuse($"--history-limit must be 1..{StorageLimits.MaxReadLimit}."),
            _ when !DebiasMethods.IsStrength(parse.GetValue(strength)) => Refuse($"--strength {DebiasMethods.StrengthProblem}."),
            _ when !ExposureGroups.IsAttribute(parse.GetValue(exposureBy)) => Refuse($"--exposure-by {ExposureGroups.Problem}."),
            _ when parse.GetValue(sweep) is { } list && ParseStrengths(list) is null => Refuse($"--sweep must be strengths in [0, 1] separated by commas, not '{list}'."),
            "standard" when parse.GetValue(sweep) is { } list => Sweep(parse.GetValue(train), parse.GetValue(test), parse.GetValue(preset)!, parse.GetValue(top), parse.GetValue(historyLimit),
                parse.GetValue(debias) == "none" ? "popularity" : parse.GetValue(debias)!, ParseStrengths(list)!, parse.GetValue(curve), parse.GetValue(exposureBy)!),
            "standard" => Run(parse.GetValue(train), parse.GetValue(test), parse.GetValue(preset)!, parse.GetValue(top), parse.GetValue(tune), parse.GetValue(grid)!, parse.GetValue(seed),
                parse.GetValue(historyLimit), Setting(parse.GetValue(debias)!, parse.GetValue(strength)), parse.GetValue(exposureBy)!),
            "hybrid" or "cold-items" => RunContent(parse.GetValue(protocol)!, parse.GetValue(train), parse.GetValue(test), parse.GetValue(items), parse.GetValue(top), parse.GetValue(tune),
                parse.GetValue(seed), parse.GetValue(beta), parse.GetValue(alpha), parse.GetValue(slots), parse.GetValue(coldShare), parse.GetValue(historyLimit),
                parse.GetValue(embedTitles) ? (parse.GetValue(models)!.FullName, parse.GetValue(embeddingModel)!) : null),
            "similar-items" => ContentProtocols.RunSimilarItemsAsync(parse.GetValue(data)?.FullName ?? FindShared("content") ?? "content", parse.GetValue(models)!.FullName,
                parse.GetValue(embeddingModel)!, parse.GetValue(top), parse.GetValue(embeddingCache)).GetAwaiter().GetResult(),
            "search" => ContentProtocols.RunSearchAsync(parse.GetValue(data)?.FullName ?? FindShared("content") ?? "content", parse.GetValue(models)!.FullName,
                parse.GetValue(embeddingModel)!, parse.GetValue(top), parse.GetValue(embeddingCache)).GetAwaiter().GetResult(),
            var other => Refuse($"Unknown protocol {other}: standard, hybrid, cold-items, similar-items or search."),
        });
        return command;
    }

    private static DebiasSetting? Setting(string method, float strength) =>
        DebiasMethods.TryParse(method, out var parsed) && parsed != DebiasMethod.None ? new DebiasSetting(parsed, strength, "request") : null;

    private static float[]? ParseStrengths(string list)
    {
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var strengths = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out strengths[i]) || !DebiasMethods.IsStrength(strengths[i]))
            {
                return null;
            }
        }

        return strengths.Length == 0 ? null : strengths;
    }

    /// <summary>Genres of the shared ml-100k items (u.item beside the split), for exposure by genre; null elsewhere.</summary>
    private static Func<string, IReadOnlyList<string>>? Genres(string? referenceSplit)
    {
        string? path = referenceSplit is null ? null : Path.Combine(referenceSplit, "..", "ml-100k", "u.item");
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        var genres = MovieLensCatalogue.Read(path).ToDictionary(i => i.Metadata.ItemId, i => i.Metadata.Genres, StringComparer.Ordinal);
        return id => genres.GetValueOrDefault(id) ?? [];
    }

    /// <summary>The shared ml-100k items as catalogue entries (u.item's genres; the release year and decade as the tags
    /// <c>year:1995</c> and <c>decade:1990s</c>), grouped for exposure by <paramref name="by"/>; null elsewhere.</summary>
    private static Func<string, IReadOnlyList<string>>? Exposure(string? referenceSplit, string by)
    {
        string? path = referenceSplit is null ? null : Path.Combine(referenceSplit, "..", "ml-100k", "u.item");
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        static string Tag(string feature) => feature.StartsWith("decade:", StringComparison.Ordinal) ? feature + "0s" : feature;
        var items = MovieLensCatalogue.Read(path).ToDictionary(
            i => i.Metadata.ItemId,
            i => new CatalogItem(i.Metadata.ItemId, MaaS.Storage.Abstractions.ItemKind.Movie, i.Metadata.ItemId, i.Metadata.Genres,
                [.. i.Features.Select(f => f.Key).Where(f => f.StartsWith("year:", StringComparison.Ordinal) || f.StartsWith("decade:", StringComparison.Ordinal)).Select(Tag)]),
            StringComparer.Ordinal);
        return ExposureGroups.Of(by, items.GetValueOrDefault);
    }

    private static int Sweep(FileInfo? trainFile, FileInfo? testFile, string preset, int k, int historyLimit, string method, float[] strengths, FileInfo? curve, string exposureBy)
    {
        string? split = FindSplit();
        if (!TryRead(trainFile, testFile, k, out var trainEvents, out var testEvents))
        {
            return 2;
        }

        string name = preset == "all" ? "default" : preset;
        var evaluator = new ServingEvaluator(new RecommendationOptions { HistoryLimit = historyLimit });
        var train = ServingEvaluator.AsRateEvents(trainEvents);
        var test = ServingEvaluator.AsRateEvents(testEvents);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = evaluator.Train(train, IndexBuildOptions.Preset(name));
        double seconds = watch.Elapsed.TotalSeconds;
        string? reference = split is not null && IsSharedSplit(trainFile, testFile, split) ? split : null;
        var groups = Genres(reference);
        var exposure = Exposure(reference, exposureBy);
        var results = new List<(float Strength, EvaluationReport Report)>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{name}: {strengths.Length} strengths of {method} re-ranking", maxValue: strengths.Length);
                foreach (float s in strengths)
                {
                    results.Add((s, evaluator.Evaluate(model, seconds, train, test, RecommendationStrategy.CollaborativeFiltering, k, IndexBuildOptions.Preset(name),
                        debias: Setting(method, s), groupsOf: groups, exposureOf: exposure)));
                    task.Increment(1);
                }
            });
        BiasTables.PrintSweep(method, results, k);
        if (curve is not null)
        {
            BiasTables.WriteCurve(curve.FullName, method, results, k);
            AnsiConsole.MarkupLine($"trade-off curve written to {Markup.Escape(curve.FullName)}");
        }

        return 0;
    }

    private static int Refuse(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return 2;
    }

    private static int RunContent(
        string protocol, FileInfo? trainFile, FileInfo? testFile, FileInfo? itemsFile, int k, bool tune, int seed, float? beta, float? alpha, int? slots, double share, int historyLimit,
        (string Repository, string Model)? embeddings)
    {
        string? split = FindSplit();
        string? itemsPath = itemsFile?.FullName ?? (split is null ? null : Path.Combine(split, "..", "ml-100k", "u.item"));
        if (itemsPath is null || !File.Exists(itemsPath))
        {
            return Refuse("No u.item: pass --items, or set MAAS_DATA_DIR to the folder holding movielens/ml-100k.");
        }

        if (share is <= 0 or >= 1)
        {
            return Refuse("--cold-share must lie in (0, 1).");
        }

        if (!TryRead(trainFile, testFile, k, out var trainEvents, out var testEvents))
        {
            return 2;
        }

        var catalogue = MovieLensCatalogue.Read(itemsPath);
        if (protocol == "cold-items" && embeddings is var (repository, model))
        {
            var hybrid = HybridOptions.Default with { Beta = beta ?? HybridOptions.DefaultBeta, ContentWeight = alpha ?? HybridOptions.DefaultContentWeight, NewItemSlots = slots ?? HybridOptions.DefaultNewItemSlots };
            return ContentProtocols.RunColdItemsAsync(trainEvents, testEvents, catalogue, itemsPath, repository, model, k, seed, hybrid, share).GetAwaiter().GetResult();
        }

        return protocol == "hybrid"
            ? HybridProtocols.RunHybrid(trainEvents, testEvents, catalogue, k, tune, seed, beta, alpha, slots, historyLimit)
            : HybridProtocols.RunColdItems(trainEvents, testEvents, catalogue, k, tune, seed, beta, alpha, slots, share);
    }

    private static bool TryRead(FileInfo? trainFile, FileInfo? testFile, int k, out List<InteractionEvent> trainEvents, out List<InteractionEvent> testEvents)
    {
        trainEvents = testEvents = [];
        string? split = FindSplit();
        string? trainPath = trainFile?.FullName ?? (split is null ? null : Path.Combine(split, "train.tsv"));
        string? testPath = testFile?.FullName ?? (split is null ? null : Path.Combine(split, "test.tsv"));
        if (trainPath is null || testPath is null || !File.Exists(trainPath) || !File.Exists(testPath))
        {
            // The files given were checked while parsing: this is the shared split, missing.
            AnsiConsole.MarkupLine("[red]No data:[/] pass --train and --test, or set MAAS_DATA_DIR to the folder holding movielens/ml-100k-split.");
            return false;
        }

        if (k < 1)
        {
            AnsiConsole.MarkupLine("[red]--top must be at least 1.[/]");
            return false;
        }

        trainEvents = InteractionFiles.ReadTsv(trainPath);
        testEvents = InteractionFiles.ReadTsv(testPath);
        AnsiConsole.MarkupLine($"train [bold]{trainEvents.Count:N0}[/] events, test [bold]{testEvents.Count:N0}[/] events, K = {k}");
        return true;
    }

    private static int Run(FileInfo? trainFile, FileInfo? testFile, string preset, int k, bool tune, string grid, int seed, int historyLimit, DebiasSetting? debias, string exposureBy)
    {
        string? split = FindSplit();
        if (!TryRead(trainFile, testFile, k, out var trainEvents, out var testEvents))
        {
            return 2;
        }

        // The published figures and SAR's output belong to the shared ml-100k split; on other data they would mislead.
        string? reference = split is not null && IsSharedSplit(trainFile, testFile, split) ? split : null;
        var groups = Genres(reference);
        var exposure = Exposure(reference, exposureBy);
        EvaluationReport Evaluate(List<InteractionEvent> train, List<InteractionEvent> test, IndexBuildOptions options, int k, int historyLimit) =>
            EvaluateCommand.Evaluate(train, test, options, k, historyLimit, debias, groups, exposure);
        var rows = new List<(string Name, EvaluationReport Report)>();
        if (tune)
        {
            var candidates = grid == "ease" ? Tuner.EaseGrid() : Tuner.DefaultGrid();
            TuningReport? report = null;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"Tuning {candidates.Count} configurations on a validation split of train", maxValue: candidates.Count);
                    report = Tuner.Tune(trainEvents, candidates, seed: seed, k: k, progress: new Reporter(v => task.Value = v));
                });
            PrintTrials(report!);
            rows.Add(("tuned (validation winner)", Evaluate(trainEvents, testEvents, report!.Best.Options, k, historyLimit)));
        }
        else
        {
            var names = preset == "all" ? new[] { "default", "ease", "sar-jaccard" } : [preset];
            foreach (string name in names)
            {
                var options = IndexBuildOptions.Preset(name)!;
                rows.Add((name, Evaluate(trainEvents, testEvents, options, k, historyLimit)));
                if (name == "default")
                {
                    foreach (var precision in new[] { WeightPrecision.Float16, WeightPrecision.Int8 })
                    {
                        rows.Add(($"default, {precision}", Evaluate(trainEvents, testEvents, options with { Precision = precision }, k, historyLimit)));
                    }
                }
            }
        }

        PrintTable(rows, k, historyLimit, reference, trainEvents, testEvents);
        BiasTables.Print(rows, k);
        BiasTables.PrintGroups(rows[0].Name, rows[0].Report, exposureBy);
        return 0;
    }

    /// <summary>Whether the data is the shared ml-100k split: no files given, or exactly its two files.</summary>
    private static bool IsSharedSplit(FileInfo? train, FileInfo? test, string split) =>
        (train is null && test is null)
        || (train is not null && test is not null
            && train.FullName == Path.GetFullPath(Path.Combine(split, "train.tsv"))
            && test.FullName == Path.GetFullPath(Path.Combine(split, "test.tsv")));

    private static EvaluationReport Evaluate(
        List<InteractionEvent> train, List<InteractionEvent> test, IndexBuildOptions options, int k, int historyLimit, DebiasSetting? debias, Func<string, IReadOnlyList<string>>? groups,
        Func<string, IReadOnlyList<string>>? exposure)
    {
        var evaluator = new ServingEvaluator(new RecommendationOptions { HistoryLimit = historyLimit });
        var trainEvents = ServingEvaluator.AsRateEvents(train);
        var testEvents = ServingEvaluator.AsRateEvents(test);
        EvaluationReport? result = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                int users = test.Select(e => e.UserId).Distinct().Count();
                var scoring = ctx.AddTask($"{options.Similarity.Measure}: building, then ranking users as the API does", maxValue: users);
                result = evaluator.Evaluate(trainEvents, testEvents, RecommendationStrategy.CollaborativeFiltering, k, options, progress: new Reporter(v => scoring.Value = v),
                    debias: debias, groupsOf: groups, exposureOf: exposure);
                scoring.Value = users;
            });
        return result!;
    }

    private static void PrintTrials(TuningReport report)
    {
        var table = new ResultTable($"Validation split of train (seed {report.Seed}, {report.TrainRatio:P0} fit; the library's protocol: every training item weighs 1): best 10 of {report.Trials.Count}");
        table.AddColumns("weighting", "similarity", $"nDCG", "MAP");
        foreach (var t in report.Trials.Take(10))
        {
            var s = t.Options.Similarity;
            string similarity = s.Measure == Recommendations.Similarity.SimilarityMeasure.Ease
                ? $"EASE λ={s.EaseLambda} k={s.TopK}"
                : $"{s.Measure} α={s.Alpha} β={s.PopularityPenalty} γ={s.UserDegreeExponent} k={s.TopK}";
            table.AddRow(t.Options.Weighting.Scheme.ToString(), similarity, F(t.Validation.Ndcg), F(t.Validation.Map));
        }

        table.Write();
    }

    /// <summary>The metrics table; <c>referenceSplit</c> is the shared ml-100k split when it is the data (its reference rows are shown), else null.</summary>
    private static void PrintTable(List<(string Name, EvaluationReport Report)> rows, int k, int historyLimit, string? referenceSplit, List<InteractionEvent> train, List<InteractionEvent> test)
    {
        var table = new ResultTable($"Test split (seen items removed), ranked as POST /v1/recommend ranks: strategy cf, each user's {historyLimit} latest ratings as rate events, default Recommendations settings otherwise");
        table.AddColumns("model", $"nDCG@{k}", "MAP", $"P@{k}", $"R@{k}", "coverage", "build s", "neighbour MB");
        foreach (var (name, r) in rows)
        {
            var m = r.Metrics;
            table.AddRow(name, F(m.Ndcg), F(m.Map), F(m.Precision), F(m.Recall), F(m.Coverage), r.BuildSeconds.ToString("F3", CultureInfo.InvariantCulture),
                (r.NeighbourBytes / 1e6).ToString("F2", CultureInfo.InvariantCulture));
        }

        string? sarPath = referenceSplit is null ? null : Path.Combine(referenceSplit, "sar_top10.tsv");
        if (k == 10 && sarPath is not null && File.Exists(sarPath))
        {
            // SAR's own output on this split, scored by the same metric code: reproduces its published 0.388 / 0.113.
            var sar = File.ReadLines(sarPath).Select(l => l.Split('\t')).GroupBy(p => p[0])
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.OrderBy(p => int.Parse(p[3], CultureInfo.InvariantCulture)).Select(p => p[1]).ToList());
            var m = RankingEvaluator.Evaluate(InteractionFiles.GroupByUser(test), sar, k, train.Select(e => e.ItemId).Distinct().Count());
            table.AddReferenceRow("SAR (sar_top10.tsv)", F(m.Ndcg), F(m.Map), F(m.Precision), F(m.Recall), F(m.Coverage), "", "");
        }

        if (referenceSplit is not null && k == 10)
        {
            table.AddReferenceRow("BPR (published)", "0.442", "0.132", "", "", "", "", "");
            table.AddReferenceRow("LightGCN (published)", "0.418", "0.122", "", "", "", "", "");
        }

        table.Write();
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);

    private static string? FindSplit() => FindShared(Path.Combine("movielens", "ml-100k-split"));

    /// <summary>A folder of the shared data: under MAAS_DATA_DIR, else under a <c>shared/data</c> beside the current or the program's folder or one above them.</summary>
    private static string? FindShared(string relative)
    {
        string? env = Environment.GetEnvironmentVariable("MAAS_DATA_DIR");
        var roots = new List<string>();
        if (!string.IsNullOrEmpty(env))
        {
            roots.Add(env);
        }

        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                roots.Add(Path.Combine(dir.FullName, "shared", "data"));
            }
        }

        return roots.Select(r => Path.Combine(r, relative)).FirstOrDefault(Directory.Exists);
    }

    /// <summary>Reports straight to the callback from any thread (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
