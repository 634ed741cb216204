namespace MaaS.Agents.Tests.Policies;

public sealed class BanditPolicyTests
{
    private static readonly FeatureSchema Schema = new(["x"], ["is_a", "is_b", "is_c"]);

    private static DecisionInput Input(double x) => new([x], [new ActionInput("a", [1, 0, 0]), new ActionInput("b", [0, 1, 0]), new ActionInput("c", [0, 0, 1])]);

    [Fact]
    public void EpsilonGreedy_Probabilities_SpreadEpsilonAndSplitTies()
    {
        var probabilities = new double[4];

        Distributions.EpsilonGreedy([1, 3, 3, 0], [true, true, true, false], 0.3, probabilities);

        Assert.Equal(0.1, probabilities[0], 12);
        Assert.Equal(0.1 + 0.35, probabilities[1], 12);
        Assert.Equal(0.1 + 0.35, probabilities[2], 12);
        Assert.Equal(0, probabilities[3]);
    }

    [Theory]
    [InlineData(PolicyKind.Random, LinearModelKind.Shared)]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Shared)]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Disjoint)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Disjoint)]
    public void Decide_NeverChoosesAnIneligibleAction_AndProbabilitiesSumToOne(PolicyKind kind, LinearModelKind model)
    {
        var policy = new BanditPolicy(Schema, new PolicySettings(kind, Epsilon: 0.2, Model: model, Seed: 3));
        bool[] eligible = [true, false, true];

        for (int i = 0; i < 500; i++)
        {
            PolicyDecision decision = policy.Decide(Input(i % 2), eligible);
            Assert.True(decision.Chosen != 1, $"{kind}/{model} chose an ineligible action at step {i}");
            Assert.Equal(0, decision.Probabilities[1]);
            Assert.Equal(1.0, decision.Probabilities.Sum(), 12);
            policy.Learn(Input(i % 2), decision.Chosen, decision.Chosen == 2 ? 1 : 0);
        }
    }

    [Theory]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Shared)]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Disjoint)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Disjoint)]
    public void Learn_ContextDependentBestAction_IsFound(PolicyKind kind, LinearModelKind model)
    {
        // Action b pays when x = 1, action a when x = 0: the policy must read the context.
        var policy = new BanditPolicy(Schema, new PolicySettings(kind, Epsilon: 0.1, Alpha: 0.5, Model: model, Seed: 5));
        bool[] all = [true, true, true];
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            double x = i % 2;
            PolicyDecision decision = policy.Decide(Input(x), all);
            double p = (x, decision.Chosen) switch { (0, 0) => 0.8, (1, 1) => 0.8, _ => 0.2 };
            policy.Learn(Input(x), decision.Chosen, random.NextDouble() < p ? 1 : 0);
        }

        Assert.Equal(0, ArgMax(policy.Decide(Input(0), all).Scores));
        Assert.Equal(1, ArgMax(policy.Decide(Input(1), all).Scores));
        Assert.Equal(2000, policy.Updates);
    }

    [Fact]
    public void Decide_SameSeedSameRewards_SameChoices()
    {
        int[] Run()
        {
            var policy = new BanditPolicy(Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0.5, Seed: 42));
            var choices = new int[300];
            for (int i = 0; i < choices.Length; i++)
            {
                choices[i] = policy.Decide(Input(i % 3), [true, true, true]).Chosen;
                policy.Learn(Input(i % 3), choices[i], choices[i] == 1 ? 1 : 0);
            }
            return choices;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Learn_NonFiniteReward_Throws()
    {
        var policy = new BanditPolicy(Schema, new PolicySettings());

        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Learn(Input(0), 0, double.NaN));
        Assert.Equal(0, policy.Updates);
    }

    [Fact]
    public void Settings_OutOfRange_ListsEveryProblem()
    {
        var problems = new PolicySettings(Epsilon: 1.5, Alpha: -1, Lambda: 0).Problems();

        Assert.Equal(["epsilon", "alpha", "lambda"], problems.Select(p => p.Field));
        Assert.Throws<ArgumentException>(() => new BanditPolicy(Schema, new PolicySettings(Epsilon: double.NaN)));
    }

    [Fact]
    public void Optimism_GreedyTriesEveryActionBeforeSettling()
    {
        var policy = new BanditPolicy(Schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0, Model: LinearModelKind.Disjoint, Optimism: 1, Seed: 5));
        var tried = new HashSet<int>();

        for (int i = 0; i < 6; i++)
        {
            int chosen = policy.Decide(Input(0.5), [true, true, true]).Chosen;
            tried.Add(chosen);
            policy.Learn(Input(0.5), chosen, 0.2);
        }

        // Each untried action still promises 1 while a tried one has fallen towards 0.2, so all three get their turn.
        Assert.Equal([0, 1, 2], tried.Order());
    }

    [Fact]
    public void PriorWeight_UntriedActionsScoreBySimilarityOfFeaturesToContext()
    {
        var schema = new FeatureSchema(["x0", "x1"], ["f0", "f1"]);
        var policy = new BanditPolicy(schema, new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0, Model: LinearModelKind.Disjoint, PriorWeight: 2, Seed: 1));
        var input = new DecisionInput([0.9, 0.1], [new ActionInput("near", [1, 0]), new ActionInput("far", [0, 1])]);

        PolicyDecision decision = policy.Decide(input, [true, true]);

        Assert.Equal(1.8, decision.Scores[0], 12);
        Assert.Equal(0.2, decision.Scores[1], 12);
        Assert.Equal(0, decision.Chosen);
        Assert.Throws<ArgumentException>(() => new BanditPolicy(Schema, new PolicySettings(Model: LinearModelKind.Disjoint, PriorWeight: 1)));
        Assert.Equal(["priorWeight"], new PolicySettings(Model: LinearModelKind.Shared, PriorWeight: 1).Problems().Select(p => p.Field));
    }

    private static int ArgMax(double[] scores)
    {
        return Array.IndexOf(scores, scores.Max());
    }
}
