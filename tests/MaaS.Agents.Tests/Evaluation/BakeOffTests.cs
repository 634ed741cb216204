namespace MaaS.Agents.Tests.Evaluation;

public sealed class BakeOffTests
{
    // Four labels, each owned by one region of a 2-d context: a learner must beat the best constant action (0.25).
    private static List<BakeOffExample> Separable(int n, int seed)
    {
        var random = new Random(seed);
        var examples = new List<BakeOffExample>(n);
        for (int i = 0; i < n; i++)
        {
            int label = random.Next(4);
            double[] context = [label % 2 == 0 ? 1 : -1, label < 2 ? 1 : -1, random.NextDouble() - 0.5];
            examples.Add(new BakeOffExample(context, [label]));
        }
        return examples;
    }

    [Theory]
    [InlineData(PolicyKind.EpsilonGreedy)]
    [InlineData(PolicyKind.LinUcb)]
    public void Run_SeparableLabels_BeatsTheBestConstantAction(PolicyKind kind)
    {
        var examples = Separable(3000, 4);

        BakeOffResult learner = BakeOff.Run(kind.ToString(), examples, 4, new PolicySettings(kind, Epsilon: 0.05, Alpha: 0.2, Model: LinearModelKind.Disjoint), seed: 1);
        BakeOffResult constant = BakeOff.BestConstant(examples, 4);
        BakeOffResult random = BakeOff.Run("random", examples, 4, new PolicySettings(PolicyKind.Random), seed: 1);

        Assert.True(learner.ProgressiveReward > 0.8, $"{kind} {learner.ProgressiveReward:F3}, constant {constant.ProgressiveReward:F3}");
        Assert.InRange(constant.ProgressiveReward, 0.24, 0.30);
        Assert.InRange(random.ProgressiveReward, 0.2, 0.3);
    }

    [Fact]
    public void Run_ActionFeaturesInTheContextSpace_PriorWeightStartsRight()
    {
        // Eight labels; a context points at its label's axis, and each action's features are that axis (its "name").
        var random = new Random(9);
        double[][] axes = [.. Enumerable.Range(0, 8).Select(a => Enumerable.Range(0, 8).Select(i => i == a ? 1.0 : 0).ToArray())];
        var examples = Enumerable.Range(0, 300).Select(_ =>
        {
            int label = random.Next(8);
            return new BakeOffExample([.. axes[label].Select(v => v + (0.3 * (random.NextDouble() - 0.5)))], [label]);
        }).ToList();
        var greedy = new PolicySettings(PolicyKind.EpsilonGreedy, Epsilon: 0, Model: LinearModelKind.Disjoint, Seed: 2);

        double withPrior = BakeOff.Run("prior", examples, 8, greedy with { PriorWeight = 1 }, seed: 1, axes).ProgressiveReward;
        double without = BakeOff.Run("no prior", examples, 8, greedy, seed: 1, axes).ProgressiveReward;

        Assert.True(withPrior > 0.95, $"with the prior {withPrior:F3}");
        Assert.True(without < withPrior - 0.1, $"without {without:F3}, with {withPrior:F3}");
    }

    [Fact]
    public void Order_SameSeed_SamePermutation()
    {
        Assert.Equal(BakeOff.Order(100, 3), BakeOff.Order(100, 3));
        Assert.NotEqual(BakeOff.Order(100, 3), BakeOff.Order(100, 4));
        Assert.Equal(Enumerable.Range(0, 100), BakeOff.Order(100, 3).Order());
    }
}
