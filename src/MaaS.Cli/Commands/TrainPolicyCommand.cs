using MaaS.Agents.Learning;
using MaaS.Agents.Learning.Networks;
using MaaS.Agents.Learning.Trees;
using MaaS.Services.Agents.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas simulate train-policy</c>: trains the decision-tree and MLP strategy policies by imitation of the difficulty
/// game's scripted expert, writes them as registry model folders (an agent of policy kind onnx decides by them, /v2
/// serves them, <c>maas publish</c> takes them), then plays them through ONNX Runtime beside random and the expert.
/// </summary>
internal static class TrainPolicyCommand
{
    private static readonly string[] Labels = [.. DifficultyGame.Actions.Select(a => a.Id)];

    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "tree, mlp or both.", DefaultValueFactory = _ => "both" };
        kind.AcceptOnlyFromAmong("tree", "mlp", "both");
        var output = new Option<DirectoryInfo>("--out") { Description = "Model repository folder to write difficulty-tree/ and difficulty-mlp/ into.", Required = true };
        var samples = new Option<int>("--samples") { Description = "Expert-labelled players to train on.", DefaultValueFactory = _ => 5_000 };
        var players = new Option<int>("--players") { Description = "Players each policy plays in the evaluation.", DefaultValueFactory = _ => 20_000 };
        var depth = new Option<int>("--max-depth") { Description = "Deepest level of the tree.", DefaultValueFactory = _ => 6 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of the MLP.", DefaultValueFactory = _ => 16 };
        var epochs = new Option<int>("--epochs") { Description = "SGD passes of the MLP.", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed of the training players, the MLP and the evaluation.", DefaultValueFactory = _ => 31 };
        var command = new Command("train-policy", "Train the tree and MLP strategy policies by imitation of the scripted expert, write them as ONNX registry models, play them.")
        {
            kind, output, samples, players, depth, hidden, epochs, seed,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(samples), p = parse.GetValue(players), s = parse.GetValue(seed);
            if (n < 100 || p < 1000 || parse.GetValue(depth) is < 1 or > 20 || parse.GetValue(hidden) is < 1 or > 1024 || parse.GetValue(epochs) is < 1 or > 1000)
            {
                AnsiConsole.MarkupLine("[red]--samples ≥ 100, --players ≥ 1000, --max-depth 1..20, --hidden 1..1024, --epochs 1..1000.[/]");
                return 2;
            }
            string root = parse.GetRequiredValue(output).FullName;
            string which = parse.GetValue(kind)!;
            ImitationData train = ImitationData.FromGame(n, s);
            ImitationData heldOut = ImitationData.FromGame(10_000, s + 1);
            var table = new ResultTable($"Imitation of the scripted expert: {n:N0} training players, {p:N0} players played (seed {s}), mean expected reward")
                .AddColumns("policy", "mean reward", "/ expert", "agrees with expert (held out)", "ONNX = learner (held out)");
            double expert = GameSimulation.Run("expert", pl => ScriptedExpert.NearestLevel(pl.Input.Context[0]), p, s).MeanReward;
            double random = GameSimulation.Baselines(p, s)[0].MeanReward;
            table.AddRow("random", F(random), $"{random / expert:P1}", "", "");
            table.AddRow("scripted expert (nearest level to the skill signal)", F(expert), "100.0 %", "", "");
            if (which is "tree" or "both")
            {
                DecisionTree tree = CartLearner.Fit(train.Rows, train.Labels, train.Features, train.Classes, new CartSettings(MaxDepth: parse.GetValue(depth)));
                byte[] onnx = PolicyModels.Tree(tree, Labels);
                string folder = PolicyModels.WriteTo(root, "difficulty-tree", 1, onnx, Labels, $"CART tree (depth ≤ {parse.GetValue(depth)}, {tree.NodeCount} nodes) imitating the difficulty game's scripted expert");
                AddRow(table, $"decision tree, ONNX-ML TreeEnsembleClassifier ({tree.NodeCount} nodes)", onnx, o => tree.Predict(o), heldOut, expert, p, s);
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote {folder}");
            }
            if (which is "mlp" or "both")
            {
                MlpClassifier mlp = MlpClassifier.Fit(train.Rows, train.Labels, train.Features, train.Classes, new MlpSettings(parse.GetValue(hidden), parse.GetValue(epochs), Seed: s));
                byte[] onnx = PolicyModels.Mlp(mlp, Labels);
                string folder = PolicyModels.WriteTo(root, "difficulty-mlp", 1, onnx, Labels, $"MLP (4 → {mlp.Hidden} ReLU → 5 softmax, SGD) imitating the difficulty game's scripted expert");
                AddRow(table, $"MLP, ONNX Gemm/Relu/Softmax (hidden {mlp.Hidden})", onnx, o => mlp.Predict(o), heldOut, expert, p, s);
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"Wrote {folder}");
            }
            table.Write();
            return 0;
        });
        return command;
    }

    /// <summary>Plays the ONNX model itself (through ONNX Runtime), and counts where it agrees with the expert and with its learner.</summary>
    private static void AddRow(ResultTable table, string name, byte[] onnx, Func<float[], int> learner, ImitationData heldOut, double expert, int players, int seed)
    {
        using var session = new InferenceSession(onnx);
        int[] onnxLabels = Predict(session, heldOut.Rows, heldOut.Count, heldOut.Features);
        int agreesWithExpert = 0, agreesWithLearner = 0;
        for (int i = 0; i < heldOut.Count; i++)
        {
            agreesWithExpert += onnxLabels[i] == heldOut.Labels[i] ? 1 : 0;
            agreesWithLearner += onnxLabels[i] == learner(heldOut.Row(i).ToArray()) ? 1 : 0;
        }
        var observation = new float[heldOut.Features];
        double reward = GameSimulation.Run(name, player =>
        {
            ImitationData.Observation(player.Input.Context, observation);
            return Predict(session, observation, 1, observation.Length)[0];
        }, players, seed).MeanReward;
        table.AddRow(name, F(reward), $"{reward / expert:P1}", $"{agreesWithExpert / (double)heldOut.Count:P2}", $"{agreesWithLearner:N0} / {heldOut.Count:N0}");
    }

    private static int[] Predict(InferenceSession session, float[] rows, int count, int features)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [count, features]);
        using var options = new RunOptions();
        using var results = session.Run(options, new Dictionary<string, OrtValue> { [PolicyModels.Input] = input }, [PolicyModels.Scores]);
        ReadOnlySpan<float> scores = results[0].GetTensorDataAsSpan<float>();
        int classes = scores.Length / count;
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(scores.Slice(i * classes, classes));
        }
        return labels;
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
