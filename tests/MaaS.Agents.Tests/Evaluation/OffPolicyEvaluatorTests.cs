namespace MaaS.Agents.Tests.Evaluation;

/// <summary>Offline estimates on 50,000 decisions logged by a uniform policy in the demo game, against the exact value.</summary>
public sealed class OffPolicyEvaluatorTests
{
    private static readonly Lazy<List<LoggedDecision>> UniformLog = new(() => GameSimulation.Log(new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.Random)), 50_000, seed: 2024));

    public static TheoryData<string> Targets => ["nearest-level", "best-fixed", "epsilon-nearest"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Evaluate_FiftyThousandLoggedDecisions_WithinTwoHundredthsOfTheTrueValue(string name)
    {
        IDecisionPolicy target = Target(name);
        double truth = GameSimulation.TrueValue(target, 200_000, seed: 77);

        OffPolicyEstimate estimate = OffPolicyEvaluator.Evaluate(UniformLog.Value, DifficultyGame.Schema, target);

        string report = $"{name}: true {truth:F4}, IPS {estimate.Ips:F4}, SNIPS {estimate.Snips:F4}, DR {estimate.DoublyRobust:F4}, DM {estimate.DirectMethod:F4}";
        Assert.True(Math.Abs(estimate.Ips - truth) <= 0.02, report);
        Assert.True(Math.Abs(estimate.Snips - truth) <= 0.02, report);
        Assert.True(Math.Abs(estimate.DoublyRobust - truth) <= 0.02, report);
        Assert.Equal(50_000, estimate.Count);
        Assert.True(Math.Abs(estimate.LoggedMean - GameSimulation.TrueValue(new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.Random)), 50_000, 78)) < 0.02, report);
    }

    [Fact]
    public void Evaluate_LoggingPolicyItself_IpsEqualsTheLoggedMean()
    {
        var log = UniformLog.Value.Take(1000).ToList();

        OffPolicyEstimate estimate = OffPolicyEvaluator.Evaluate(log, DifficultyGame.Schema, new BanditPolicy(DifficultyGame.Schema, new PolicySettings(PolicyKind.Random)));

        Assert.Equal(estimate.LoggedMean, estimate.Ips, 12);
        Assert.Equal(1000, estimate.EffectiveSampleSize, 6);
    }

    [Fact]
    public void EvaluateLearner_GreedyCandidate_BeatsTheUniformLogger()
    {
        var log = UniformLog.Value.Take(20_000).ToList();

        OffPolicyEstimate estimate = OffPolicyEvaluator.EvaluateLearner(log, DifficultyGame.Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.05));

        Assert.True(estimate.DoublyRobust > estimate.LoggedMean + 0.2, $"DR {estimate.DoublyRobust:F4}, logged {estimate.LoggedMean:F4}");
        Assert.True(Math.Abs(estimate.Snips - estimate.DoublyRobust) < 0.03, $"SNIPS {estimate.Snips:F4}, DR {estimate.DoublyRobust:F4}");
    }

    private static IDecisionPolicy Target(string name)
    {
        var nearest = new RulePolicy(NearestLevel);
        return name switch
        {
            "nearest-level" => nearest,
            "best-fixed" => new FixedActionPolicy(DifficultyGame.Actions[GameSimulation.BestFixedAction(1)].Id),
            _ => new Mixture(nearest, 0.3),
        };
    }

    // The level nearest the observed skill signal: what a good scripted controller would do.
    private static int NearestLevel(DecisionInput input)
    {
        double signal = input.Context[0];
        int best = 0;
        for (int a = 1; a < input.Actions.Count; a++)
        {
            if (Math.Abs(input.Actions[a].Features[0] - signal) < Math.Abs(input.Actions[best].Features[0] - signal))
            {
                best = a;
            }
        }
        return best;
    }

    private sealed class Mixture(IDecisionPolicy inner, double epsilon) : IDecisionPolicy
    {
        public void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities)
        {
            inner.Probabilities(input, eligible, probabilities);
            int count = Distributions.CountEligible(eligible);
            for (int i = 0; i < probabilities.Length; i++)
            {
                probabilities[i] = ((1 - epsilon) * probabilities[i]) + (eligible[i] ? epsilon / count : 0);
            }
        }
    }
}
