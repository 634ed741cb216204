using System.Diagnostics;
using System.Numerics.Tensors;
using MaaS.Agents.Evaluation;
using MaaS.Agents.Policies;
using MaaS.Models.Text.Featurization;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas simulate game|npc|shelf|netflix|train-policy</c>: the learning engine on the demo game (beside random, the best fixed level and the
/// optimum, plus offline estimates against the exact value), and the Contextual Bandit Bake-off on the Netflix titles.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create() => new("simulate", "Run the decision agents' policies on the demo game or a supervised data set played as a bandit.") { Game(), Npc(), Shelf(), Netflix(), TrainPolicyCommand.Create() };

    private static Command Game()
    {
        var decisions = new Option<int>("--decisions") { Description = "Players per run.", DefaultValueFactory = _ => 5_000 };
        var logged = new Option<int>("--logged") { Description = "Decisions a uniform policy logs for the offline estimates.", DefaultValueFactory = _ => 50_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the players, rewards and policies.", DefaultValueFactory = _ => 31 };
        var svg = new Option<FileInfo?>("--svg") { Description = "Also draw the learning curves (mean reward per 250 decisions) into this SVG file." };
        var command = new Command("game", "Difficulty adjustment for players of hidden skill: mean expected reward per policy, and offline estimates.") { decisions, logged, seed, svg };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(decisions), s = parse.GetValue(seed), log = parse.GetValue(logged);
            if (n < 1000 || log < 1000)
            {
                AnsiConsole.MarkupLine("[red]--decisions and --logged must be at least 1000.[/]");
                return 2;
            }
            var rows = new List<SimulationResult>(GameSimulation.Baselines(n, s));
            rows.Add(GameSimulation.Run("epsilon-greedy (ε 0.05, shared)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.05, Seed: s)), n, s));
            rows.Add(GameSimulation.Run("linucb (α 0.3, ε 0.05, shared)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Seed: s)), n, s));
            rows.Add(GameSimulation.Run("linucb (α 0.3, ε 0.05, disjoint)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Model: LinearModelKind.Disjoint, Seed: s)), n, s));
            WriteAgainstOptimal($"Difficulty game, {n:N0} decisions (seed {s}), mean expected reward", rows);
            if (parse.GetValue(svg) is { } file)
            {
                const int Window = 250;
                var curves = new List<SimulationResult>(GameSimulation.Baselines(n, s, Window))
                {
                    GameSimulation.Run("epsilon-greedy (ε 0.05, shared)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.05, Seed: s)), n, s, Window),
                    GameSimulation.Run("linucb (α 0.3, ε 0.05, shared)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Seed: s)), n, s, Window),
                    GameSimulation.Run("linucb (α 0.3, ε 0.05, disjoint)", new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Model: LinearModelKind.Disjoint, Seed: s)), n, s, Window),
                };
                File.WriteAllText(file.FullName, LearningCurveSvg.Draw($"Difficulty game: learning curves (seed {s})", curves, Window));
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Learning curves written to {file.FullName}");
            }

            var uniform = new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.Random));
            var logRows = GameSimulation.Log(uniform, log, s + 1);
            var nearest = new RulePolicy(input => ScriptedExpert.NearestLevel(input.Context[0]));
            var best = new FixedActionPolicy(DifficultyGame.Actions[GameSimulation.BestFixedAction(s)].Id);
            var ope = new ResultTable($"Offline estimates from {log:N0} decisions logged by a uniform policy")
                .AddColumns("target policy", "true value", "IPS", "SNIPS", "DR", "DM");
            foreach (var (name, target) in new (string, IDecisionPolicy)[] { ("nearest level to the skill signal", nearest), ("best fixed level", best) })
            {
                double truth = GameSimulation.TrueValue(target, 200_000, s + 2);
                OffPolicyEstimate e = OffPolicyEvaluator.Evaluate(logRows, DifficultyGame.Schema, target);
                ope.AddRow(name, F(truth), F(e.Ips), F(e.Snips), F(e.DoublyRobust), F(e.DirectMethod));
            }
            ope.Write();
            return 0;
        });
        return command;
    }

    private static Command Npc()
    {
        var decisions = new Option<int>("--decisions") { Description = "Duels per run.", DefaultValueFactory = _ => 5_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the duels, outcomes and policies.", DefaultValueFactory = _ => 31 };
        var command = new Command("npc", "An NPC opponent picks tactics against players of hidden style: mean expected win rate per policy.") { decisions, seed };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(decisions), s = parse.GetValue(seed);
            if (n < 1000)
            {
                AnsiConsole.MarkupLine("[red]--decisions must be at least 1000.[/]");
                return 2;
            }
            var rows = new List<SimulationResult>(NpcDuel.Baselines(n, s))
            {
                NpcDuel.Run("epsilon-greedy (ε 0.05, disjoint)", new BanditPolicy(NpcDuel.Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.05, Model: LinearModelKind.Disjoint, Seed: s)), n, s),
                NpcDuel.Run("linucb (α 0.3, ε 0.05, disjoint)", new BanditPolicy(NpcDuel.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Model: LinearModelKind.Disjoint, Seed: s)), n, s),
                NpcDuel.Run("linucb (α 0.3, ε 0.05, shared)", new BanditPolicy(NpcDuel.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Seed: s)), n, s),
            };
            WriteAgainstOptimal($"NPC duels, {n:N0} decisions (seed {s}), mean expected win rate", rows);
            return 0;
        });
        return command;
    }

    private static Command Shelf()
    {
        var decisions = new Option<int>("--decisions") { Description = "Visits (slates of three slots) per run.", DefaultValueFactory = _ => 5_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the visits, clicks and policies.", DefaultValueFactory = _ => 31 };
        var svg = new Option<FileInfo?>("--svg") { Description = "Also draw the learning curves (mean click rate per 250 visits) into this SVG file." };
        var command = new Command("shelf", "Multi-slot decisions: a hero slot and two shelf slots, one distinct item each, decided in order: mean expected click rate per slot.") { decisions, seed, svg };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(decisions), s = parse.GetValue(seed);
            if (n < 1000)
            {
                AnsiConsole.MarkupLine("[red]--decisions must be at least 1000.[/]");
                return 2;
            }
            List<SimulationResult> Runs(int window) =>
            [
                .. ShelfSlate.Baselines(n, s, window),
                ShelfSlate.Run("epsilon-greedy (ε 0.05, shared)", new BanditPolicy(ShelfSlate.Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.05, Seed: s)), n, s, window),
                ShelfSlate.Run("linucb (α 0.3, ε 0.05, shared)", new BanditPolicy(ShelfSlate.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Seed: s)), n, s, window),
                ShelfSlate.Run("linucb (α 0.3, ε 0.05, disjoint)", new BanditPolicy(ShelfSlate.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.05, Alpha: 0.3, Model: LinearModelKind.Disjoint, Seed: s)), n, s, window),
            ];
            WriteAgainstOptimal($"Shelf of three slots, {n:N0} visits (seed {s}), mean expected click rate per slot", Runs(1000));
            if (parse.GetValue(svg) is { } file)
            {
                const int Window = 250;
                File.WriteAllText(file.FullName, LearningCurveSvg.Draw($"Shelf of three slots: learning curves (seed {s})", Runs(Window), Window));
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Learning curves written to {file.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static Command Netflix()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with netflix_titles.csv.", Required = true };
        var buckets = new Option<int>("--buckets") { Description = "Hashed text features per title (0: none, with --embeddings).", DefaultValueFactory = _ => 256 };
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffled order and the policies.", DefaultValueFactory = _ => 1 };
        var epsilons = new Option<double[]>("--epsilon") { Description = "ε of the ε-greedy runs (0: greedy).", DefaultValueFactory = _ => [0.05], AllowMultipleArgumentsPerToken = true };
        var alphas = new Option<double[]>("--alpha") { Description = "α of the LinUCB runs.", DefaultValueFactory = _ => [0.3], AllowMultipleArgumentsPerToken = true };
        var lambda = new Option<double>("--lambda") { Description = "Ridge prior precision.", DefaultValueFactory = _ => 1.0 };
        var metadata = new Option<bool>("--metadata") { Description = "Also hash the type, rating, first country and duration unit as words (beyond the protocol's text-only context)." };
        var embeddings = new Option<string?>("--embeddings") { Description = "Sentence-embedding model whose vector of the title and description heads the context, e.g. all-minilm-l6-v2." };
        var models = new Option<DirectoryInfo>("--models") { Description = "Model repository holding the --embeddings model.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var cache = new Option<FileInfo?>("--embedding-cache") { Description = "File keeping the titles' embeddings between runs (default: $XDG_DATA_HOME/maas/cache/netflix-MODEL.emb)." };
        var optimism = new Option<double>("--optimism") { Description = "Every tag's estimated reward before it is tried (the bias weight's prior mean).", DefaultValueFactory = _ => 0 };
        var priorWeight = new Option<double>("--prior-weight") { Description = "With --embeddings: each tag's name is embedded too, and its model's prior mean is this times that vector (zero-shot start).", DefaultValueFactory = _ => 0 };
        var command = new Command("netflix", "The Contextual Bandit Bake-off on the Netflix titles: one pass, reward 1 when the chosen tag is one of the title's.")
        {
            data, buckets, seed, epsilons, alphas, lambda, metadata, embeddings, models, cache, optimism, priorWeight,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetRequiredValue(data);
            int d = parse.GetValue(buckets), s = parse.GetValue(seed);
            string? embeddingModel = parse.GetValue(embeddings);
            double prior = parse.GetValue(priorWeight);
            if (!ContentCorpus.Exists(folder.FullName))
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No {ContentCorpus.FileName} in {folder.FullName}.[/]");
                return 2;
            }
            if (d is < 0 or > 1024 || (d < 8 && (d != 0 || embeddingModel is null)))
            {
                AnsiConsole.MarkupLine("[red]--buckets must be 8..1024 (or 0 with --embeddings).[/]");
                return 2;
            }
            if (prior != 0 && embeddingModel is null)
            {
                AnsiConsole.MarkupLine("[red]--prior-weight needs --embeddings (the tag names are embedded as the titles are).[/]");
                return 2;
            }
            LabeledCorpus corpus = ContentCorpus.Load(folder.FullName);
            if (corpus.Examples.Count == 0)
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No tagged titles in {ContentCorpus.FileName}.[/]");
                return 2;
            }
            var extra = parse.GetValue(metadata) ? Metadata(folder.FullName) : null;
            float[][]? titleVectors = null, tagVectors = null;
            if (embeddingModel is not null)
            {
                using var encoder = LocalEncoder.LoadAsync(parse.GetRequiredValue(models).FullName, embeddingModel).GetAwaiter().GetResult();
                if (encoder is null)
                {
                    return 2;
                }
                titleVectors = EmbeddingCache.Embed(encoder, [.. corpus.Examples.Select(e => e.Text)], parse.GetValue(cache) ?? DefaultCache(embeddingModel));
                tagVectors = prior != 0 ? encoder.Embed(corpus.LabelNames) : null;
            }
            var examples = Featurize(corpus, d, extra, titleVectors);
            int dimension = examples[0].Context.Length;
            // A tag's features live in the context's space: its name's embedding, 0 for the hashed words.
            double[][]? tagFeatures = tagVectors?.Select(v =>
            {
                var f = new double[dimension];
                TensorPrimitives.ConvertChecked<float, double>(v, f.AsSpan(0, v.Length));
                return f;
            }).ToArray();
            int actions = corpus.LabelNames.Count;
            string contextName = (titleVectors is null ? "" : $"{embeddingModel} ({titleVectors[0].Length}) + ") + $"{d} hashed words";
            var table = new ResultTable($"Netflix titles bake-off: {examples.Count:N0} titles, {actions} tag actions, context {contextName}, seed {s}")
                .AddColumns("algorithm", "progressive reward", "seconds");
            BakeOffResult constant = BakeOff.BestConstant(examples, actions);
            table.AddRow($"best constant ({corpus.LabelNames[constant.Action!.Value]})", F(constant.ProgressiveReward), "");
            var shape = new PolicySettings(Seed: s, Lambda: parse.GetValue(lambda), Model: LinearModelKind.Disjoint, Optimism: parse.GetValue(optimism), PriorWeight: prior);
            foreach (var (name, settings) in Algorithms(shape, parse.GetValue(epsilons)!, parse.GetValue(alphas)!))
            {
                var watch = Stopwatch.StartNew();
                BakeOffResult result = BakeOff.Run(name, examples, actions, settings, s, tagFeatures);
                table.AddRow(name, F(result.ProgressiveReward), watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            table.AddReferenceRow("supervised tags model, precision@1 on the test split (maas train tags)", "0.563", "");
            table.Write();
            return 0;
        });
        return command;
    }

    private static FileInfo DefaultCache(string model)
    {
        string root = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        string folder = Path.Combine(root, "maas", "cache");
        Directory.CreateDirectory(folder);
        return new FileInfo(Path.Combine(folder, $"netflix-{model}.emb"));
    }

    private static IEnumerable<(string Name, PolicySettings Settings)> Algorithms(PolicySettings shape, double[] epsilons, double[] alphas)
    {
        string prior = $"λ {shape.Lambda:G3}" + (shape.Optimism != 0 ? $", optimism {shape.Optimism:G3}" : "") + (shape.PriorWeight != 0 ? $", name prior {shape.PriorWeight:G3}" : "");
        return
        [
            ("random", shape with { Kind = PolicyKind.Random, Optimism = 0, PriorWeight = 0 }),
            .. epsilons.Select(e => ($"{(e == 0 ? "greedy" : $"epsilon-greedy ε {e:G3}")} ({prior})", shape with { Kind = PolicyKind.EpsilonGreedy, Epsilon = e })),
            .. alphas.Select(a => ($"linucb α {a:G3} ({prior})", shape with { Kind = PolicyKind.LinUcb, Epsilon = 0, Alpha = a })),
        ];
    }

    /// <summary>
    /// Per title: its sentence embedding when given (a unit vector), then title + description as binary word unigrams
    /// hashed into <paramref name="buckets"/> dimensions, L2-normalised.
    /// </summary>
    private static List<BakeOffExample> Featurize(LabeledCorpus corpus, int buckets, Dictionary<string, string>? extra, float[][]? embeddings)
    {
        var featurizer = buckets > 0 ? new TextFeaturizer(new TextFeaturizerSettings { Buckets = buckets, WordNgrams = 1, MarkNegation = false }) : null;
        int offset = embeddings?[0].Length ?? 0;
        var examples = new List<BakeOffExample>(corpus.Examples.Count);
        for (int e = 0; e < corpus.Examples.Count; e++)
        {
            LabeledText text = corpus.Examples[e];
            var context = new double[offset + buckets];
            if (embeddings is not null)
            {
                TensorPrimitives.ConvertChecked<float, double>(embeddings[e], context.AsSpan(0, offset));
            }
            if (featurizer is not null)
            {
                TextFeatures features = featurizer.Featurize(extra is not null && extra.TryGetValue(text.Id, out string? more) ? $"{text.Text} {more}" : text.Text);
                Span<double> words = context.AsSpan(offset);
                for (int i = 0; i < features.Count; i++)
                {
                    words[features.Ids[i]] += features.Weights[i];
                }
                double norm = Math.Sqrt(TensorPrimitives.SumOfSquares<double>(words));
                if (norm > 0)
                {
                    TensorPrimitives.Divide(words, norm, words);
                }
            }
            examples.Add(new BakeOffExample(context, text.Labels));
        }
        return examples;
    }

    /// <summary>Per show id: its type, rating, first country and duration unit as single made-up words.</summary>
    private static Dictionary<string, string> Metadata(string folder)
    {
        using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(Path.Combine(folder, ContentCorpus.FileName)) { HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        string[] header = parser.ReadFields()!;
        int id = Array.IndexOf(header, "show_id"), type = Array.IndexOf(header, "type"), rating = Array.IndexOf(header, "rating");
        int country = Array.IndexOf(header, "country"), duration = Array.IndexOf(header, "duration");
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        while (parser.ReadFields() is { } row)
        {
            if (row.Length != header.Length)
            {
                continue;
            }
            static string Word(string prefix, string value) => prefix + new string([.. value.Where(char.IsLetterOrDigit)]).ToLowerInvariant();
            string unit = row[duration].Contains("Season", StringComparison.Ordinal) ? "seasons" : "minutes";
            extra[row[id]] = string.Join(' ', Word("zztype", row[type]), Word("zzrating", row[rating]), Word("zzcountry", row[country].Split(',')[0]), "zzdur" + unit);
        }
        return extra;
    }

    /// <summary>The learners beside the baselines; the third baseline row is the optimal policy every share is of.</summary>
    private static void WriteAgainstOptimal(string title, List<SimulationResult> rows)
    {
        double optimal = rows[2].MeanReward;
        var table = new ResultTable(title).AddColumns("policy", "progressive", "last 1,000", "last 1,000 / optimal");
        foreach (SimulationResult row in rows)
        {
            table.AddRow(row.Name, F(row.MeanReward), F(row.FinalWindowReward), $"{row.FinalWindowReward / optimal:P1}");
        }
        table.Write();
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
