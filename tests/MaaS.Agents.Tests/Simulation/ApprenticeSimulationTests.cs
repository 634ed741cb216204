namespace MaaS.Agents.Tests.Simulation;

public sealed class ApprenticeSimulationTests
{
    [Fact]
    public void RunApprentice_BetterLearner_SwitchesAndBeatsTheBaseline()
    {
        int best = GameSimulation.BestFixedAction(SimulationRun.Seed);
        var apprentice = new ApprenticePolicy(
            DifficultyGame.Schema, new PolicySettings(PolicyKind.LinUcb, Epsilon: 0.1, Alpha: 0.3, Seed: SimulationRun.Seed), new ApprenticeSettings(Margin: 0.02, Window: 1000));

        SimulationResult run = GameSimulation.RunApprentice("apprentice", apprentice, _ => best, SimulationRun.Decisions, SimulationRun.Seed);
        SimulationResult baseline = GameSimulation.Run("baseline", _ => best, SimulationRun.Decisions, SimulationRun.Seed);

        ApprenticeEstimate estimate = apprentice.Estimate;
        Assert.Equal(ApprenticeMode.Learned, estimate.Mode);
        Assert.InRange(estimate.SwitchedAfter!.Value, 1000, 4000);
        Assert.True(estimate.LearnerSnips > estimate.BaselineReward + 0.02, $"learner {estimate.LearnerSnips:F3}, baseline {estimate.BaselineReward:F3}");
        Assert.True(run.FinalWindowReward > baseline.FinalWindowReward + 0.1, $"apprentice {run.FinalWindowReward:F3}, baseline {baseline.FinalWindowReward:F3}");
    }

    [Fact]
    public void RunApprentice_WorseLearner_KeepsFollowingTheBaseline()
    {
        int best = GameSimulation.BestFixedAction(SimulationRun.Seed);
        var apprentice = new ApprenticePolicy(
            DifficultyGame.Schema, new PolicySettings(PolicyKind.Random, Epsilon: 0.1, Seed: SimulationRun.Seed), new ApprenticeSettings(Margin: 0.02, Window: 1000));

        SimulationResult run = GameSimulation.RunApprentice("apprentice", apprentice, _ => best, SimulationRun.Decisions, SimulationRun.Seed);

        ApprenticeEstimate estimate = apprentice.Estimate;
        Assert.Equal(ApprenticeMode.Apprentice, estimate.Mode);
        Assert.Null(estimate.SwitchedAfter);
        Assert.Equal(SimulationRun.Decisions, estimate.Decisions);
        // A random learner is worth about 0.50 here, the baseline about 0.63: the estimate must see the gap.
        Assert.True(estimate.LearnerSnips < estimate.BaselineReward - 0.05, $"learner {estimate.LearnerSnips:F3}, baseline {estimate.BaselineReward:F3}");
        Assert.InRange(run.MeanReward, 0.58, 0.65);
    }

    [Fact]
    public void Decide_Apprentice_LogsTheBaselinesProbability_AndFallsBackWhenItIsForbidden()
    {
        var apprentice = new ApprenticePolicy(DifficultyGame.Schema, new PolicySettings(Epsilon: 0.1), new ApprenticeSettings());
        var player = DifficultyGame.Next(new Random(1));

        PolicyDecision followed = apprentice.Decide(player.Input, [true, true, true, true, true], 2);
        PolicyDecision forbidden = apprentice.Decide(player.Input, [true, true, false, true, true], 2);

        Assert.Equal(0.9 + 0.02, followed.Probabilities[2], 12);
        Assert.Equal(0.02, followed.Probabilities[0], 12);
        Assert.Equal(0, forbidden.Probabilities[2]);
        Assert.Equal(1, forbidden.Probabilities.Sum(), 12);
        Assert.Throws<ArgumentException>(() => new ApprenticePolicy(DifficultyGame.Schema, new PolicySettings(), new ApprenticeSettings(Margin: -1, Window: 5)));
    }
}
