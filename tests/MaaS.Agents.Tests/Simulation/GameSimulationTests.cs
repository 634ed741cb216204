namespace MaaS.Agents.Tests.Simulation;

/// <summary>The learning engine on the demo game, beside random, the best fixed level and the optimal oracle.</summary>
public sealed class GameSimulationTests
{
    [Theory]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Disjoint)]
    public void Run_FiveThousandDecisions_ReachNinetyPercentOfOptimal(PolicyKind kind, LinearModelKind model)
    {
        var baselines = GameSimulation.Baselines(SimulationRun.Decisions, SimulationRun.Seed);
        double random = baselines[0].MeanReward;
        double bestFixed = baselines[1].MeanReward;
        double optimal = baselines[2].MeanReward;
        var policy = new BanditPolicy(DifficultyGame.Schema, new PolicySettings(kind, Epsilon: 0.05, Alpha: 0.3, Model: model, Seed: SimulationRun.Seed));

        SimulationResult learner = GameSimulation.Run(kind.ToString(), policy, SimulationRun.Decisions, SimulationRun.Seed);

        string report = $"{kind}/{model}: last 1,000 {learner.FinalWindowReward:F4}, progressive {learner.MeanReward:F4}; random {random:F4}, {baselines[1].Name} {bestFixed:F4}, optimal {optimal:F4}";
        Assert.True(learner.FinalWindowReward >= 0.9 * optimal, report);
        Assert.True(learner.MeanReward > bestFixed, report);
        Assert.True(random < bestFixed && bestFixed < 0.9 * optimal, report);
    }

    [Fact]
    public void Optimal_IsTheBestLevelForEverySkill()
    {
        for (double skill = 0.05; skill <= 0.95; skill += 0.01)
        {
            int best = DifficultyGame.Optimal(skill);
            for (int a = 0; a < DifficultyGame.Actions.Count; a++)
            {
                Assert.True(DifficultyGame.ExpectedReward(skill, best) >= DifficultyGame.ExpectedReward(skill, a), $"skill {skill}, action {a}");
            }
        }
    }
}
