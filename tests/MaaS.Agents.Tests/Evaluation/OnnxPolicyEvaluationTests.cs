using MaaS.Services.Agents.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace MaaS.Agents.Tests.Evaluation;

/// <summary>
/// Offline evaluation of an onnx policy: the imitation-trained tree, exported to ONNX and scored by a real ONNX Runtime
/// session, wrapped ε-greedy as an agent of kind onnx decides, estimated from 50,000 decisions logged by a uniform
/// policy in the demo game, against its exact value there.
/// </summary>
public sealed class OnnxPolicyEvaluationTests
{
    private static readonly string[] Labels = [.. DifficultyGame.Actions.Select(a => a.Id)];
    private static readonly Lazy<List<LoggedDecision>> UniformLog = new(() => GameSimulation.Log(new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.Random)), 50_000, seed: 2025));
    private static readonly Lazy<byte[]> TreeModel = new(() =>
    {
        ImitationData data = ImitationData.FromGame(4_000, 1);
        return PolicyModels.Tree(CartLearner.Fit(data.Rows, data.Labels, data.Features, data.Classes), Labels);
    });

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.4)]
    public void Evaluate_TreePolicyThroughOnnxRuntime_WithinTwoHundredthsOfTheTrueValue(double epsilon)
    {
        using var session = new InferenceSession(TreeModel.Value);
        List<LoggedDecision> log = UniformLog.Value;
        // The whole log scored in one run, as the service scores it before weighing (by the decision's input).
        float[] rows = new float[log.Count * DifficultyGame.Schema.Context.Count];
        for (int i = 0; i < log.Count; i++)
        {
            ImitationData.Observation(log[i].Input.Context, rows.AsSpan(i * DifficultyGame.Schema.Context.Count, DifficultyGame.Schema.Context.Count));
        }
        float[] scored = Scores(session, rows, log.Count);
        var table = new Dictionary<DecisionInput, double[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < log.Count; i++)
        {
            table[log[i].Input] = [.. scored.AsSpan(i * Labels.Length, Labels.Length).ToArray().Select(v => (double)v)];
        }
        double truth = GameSimulation.TrueValue(new ScoredTargetPolicy(input => Score(session, input), epsilon), 100_000, seed: 91);

        OffPolicyEstimate estimate = OffPolicyEvaluator.Evaluate(log, DifficultyGame.Schema, new ScoredTargetPolicy(input => table[input], epsilon));

        string report = $"ε {epsilon}: true {truth:F4}, IPS {estimate.Ips:F4}, SNIPS {estimate.Snips:F4}, DR {estimate.DoublyRobust:F4}, logged {estimate.LoggedMean:F4}";
        Assert.True(Math.Abs(estimate.Ips - truth) <= 0.02, report);
        Assert.True(Math.Abs(estimate.Snips - truth) <= 0.02, report);
        Assert.True(Math.Abs(estimate.DoublyRobust - truth) <= 0.02, report);
        // The imitated expert is far better than the uniform logger: the estimate must see the difference.
        Assert.True(estimate.DoublyRobust > estimate.LoggedMean + 0.1, report);
    }

    [Fact]
    public void ScoredTargetPolicy_RulesMaskAndEpsilonSpread_AsTheDecidingPolicy()
    {
        double[] scores = [0.1, 0.7, double.NaN, 0.7, 0.2];
        bool[] eligible = [true, true, true, false, true];
        var input = new DecisionInput([0.5, 0.25, 0.5, 0], DifficultyGame.Actions);
        var probabilities = new double[5];

        new ScoredTargetPolicy(_ => scores, 0.2).Probabilities(input, eligible, probabilities);
        var decided = new MaaS.Agents.Policies.Onnx.ScoredPolicy(0.2, seed: 1).Decide(scores, eligible);

        Assert.Equal([0.05, 0.85, 0.05, 0, 0.05], probabilities.Select(p => Math.Round(p, 12)));
        Assert.Equal(decided.Probabilities, probabilities);
    }

    private static double[] Score(InferenceSession session, DecisionInput input)
    {
        var row = new float[input.Context.Length];
        ImitationData.Observation(input.Context, row);
        return [.. Scores(session, row, 1).Select(v => (double)v)];
    }

    private static float[] Scores(InferenceSession session, float[] rows, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [count, rows.Length / count]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, new Dictionary<string, OrtValue> { [PolicyModels.Input] = input }, [PolicyModels.Scores]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
