namespace MaaS.Agents.Tests.Learning;

public sealed class CartLearnerTests
{
    [Fact]
    public void Fit_ThresholdRule_SplitsBetweenTheClassesAndPredictsEveryHeldOutRow()
    {
        // label = 1 exactly when x0 > 0.5; x1 is noise the tree must ignore.
        var random = new Random(3);
        float[] rows = [.. Enumerable.Range(0, 400).SelectMany(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble() })];
        int[] labels = [.. Enumerable.Range(0, 400).Select(i => rows[i * 2] > 0.5f ? 1 : 0)];

        DecisionTree tree = CartLearner.Fit(rows, labels, 2, 2, new CartSettings(MaxDepth: 3, MinLeaf: 1));

        Assert.Equal(0, tree.Feature[0]);
        Assert.InRange(tree.Threshold[0], 0.45f, 0.55f);
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal([1f, 0f], tree.Scores([0.1f, 0.9f]).ToArray());
        Assert.Equal(1, tree.Predict([0.9f, 0.1f]));
    }

    [Fact]
    public void Fit_DepthAndLeafLimits_AreNeverExceeded()
    {
        ImitationData data = ImitationData.FromGame(2_000, 5);

        DecisionTree tree = CartLearner.Fit(data.Rows, data.Labels, data.Features, data.Classes, new CartSettings(MaxDepth: 2, MinLeaf: 300));

        Assert.True(tree.NodeCount <= 7, $"{tree.NodeCount} nodes at depth 2");
        var perLeaf = Enumerable.Range(0, data.Count).GroupBy(i => tree.Leaf(data.Row(i))).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perLeaf, leaf => Assert.True(leaf.Value >= 300, $"leaf {leaf.Key} holds {leaf.Value} rows"));
        for (int n = 0; n < tree.NodeCount; n++)
        {
            float sum = tree.LeafDistribution.AsSpan(n * tree.Classes, tree.Classes).ToArray().Sum();
            Assert.Equal(tree.Feature[n] < 0 ? 1f : 0f, sum, 5);
        }
    }

    [Fact]
    public void Fit_LabelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CartLearner.Fit([0f, 1f], [0, 2], 1, 2));
    }
}
