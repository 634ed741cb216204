namespace MaaS.Agents.Tests.Simulation;

/// <summary>The NPC opponent game: its optimum, and the learning engine beside random, the best fixed tactic and the optimum.</summary>
public sealed class NpcDuelTests
{
    [Theory]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Disjoint)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Disjoint)]
    public void Run_FiveThousandDuels_LearnerBeatsTheBestFixedTacticAndNearsTheOptimum(PolicyKind kind, LinearModelKind model)
    {
        var against = Baselines.Of(NpcDuel.Baselines(SimulationRun.Decisions, SimulationRun.Seed));
        var policy = new BanditPolicy(NpcDuel.Schema, new PolicySettings(kind, Epsilon: 0.05, Alpha: 0.3, Model: model, Seed: SimulationRun.Seed));

        SimulationResult learner = NpcDuel.Run(kind.ToString(), policy, SimulationRun.Decisions, SimulationRun.Seed);

        string report = against.Report($"{kind}/{model}", learner);
        Assert.True(learner.FinalWindowReward >= 0.85 * against.Optimal, report);
        Assert.True(learner.FinalWindowReward > against.BestFixed + 0.05, report);
        Assert.True(against.Random < against.BestFixed && against.BestFixed < 0.85 * against.Optimal, report);
    }

    [Fact]
    public void Optimal_RetreatsOnlyWhenHurt()
    {
        var random = new Random(4);
        for (int i = 0; i < 2_000; i++)
        {
            Duel duel = NpcDuel.Next(random);
            int best = NpcDuel.Optimal(duel);
            Assert.All(Enumerable.Range(0, 4), a => Assert.True(NpcDuel.ExpectedReward(duel, best) >= NpcDuel.ExpectedReward(duel, a), $"duel {duel}, tactic {a}"));
            if (duel.NpcHealth > 0.6)
            {
                Assert.NotEqual("retreat", NpcDuel.Actions[best].Id);
            }
        }
    }
}
