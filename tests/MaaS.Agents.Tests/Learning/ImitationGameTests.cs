namespace MaaS.Agents.Tests.Learning;

/// <summary>Imitation policies played in the difficulty game beside the scripted expert they learnt from.</summary>
public sealed class ImitationGameTests
{
    private const int Players = 20_000;
    private const int Seed = 31;

    [Fact]
    public void Play_TreeAndMlp_ReachNinetyFivePercentOfTheExpertsMeanReward()
    {
        ImitationData train = ImitationData.FromGame(5_000, 1);
        DecisionTree tree = CartLearner.Fit(train.Rows, train.Labels, train.Features, train.Classes);
        MlpClassifier mlp = MlpClassifier.Fit(train.Rows, train.Labels, train.Features, train.Classes, new MlpSettings(Epochs: 20));
        var observation = new float[train.Features];

        int Observe(Player p, Func<float[], int> predict)
        {
            ImitationData.Observation(p.Input.Context, observation);
            return predict(observation);
        }

        double expert = GameSimulation.Run("expert", p => ScriptedExpert.NearestLevel(p.Input.Context[0]), Players, Seed).MeanReward;
        double random = GameSimulation.Baselines(Players, Seed)[0].MeanReward;
        double treeReward = GameSimulation.Run("tree", p => Observe(p, o => tree.Predict(o)), Players, Seed).MeanReward;
        double mlpReward = GameSimulation.Run("mlp", p => Observe(p, o => mlp.Predict(o)), Players, Seed).MeanReward;

        string report = $"random {random:F4}, expert {expert:F4}, tree {treeReward:F4}, mlp {mlpReward:F4}";
        Assert.True(treeReward >= 0.95 * expert, report);
        Assert.True(mlpReward >= 0.95 * expert, report);
        Assert.True(random < 0.7 * expert, report);
    }
}
