namespace MaaS.Agents.Tests.Simulation;

/// <summary>The multi-slot shelf: its optimum, and the learning engine filling slates beside random, the best fixed slate and the optimum.</summary>
public sealed class ShelfSlateTests
{
    [Fact]
    public void Optimal_ClearTaste_HeroTakesTheBlockbusterAndTheShelfTheNicheItemsOfTheUsersGenre()
    {
        var random = new Random(4);
        for (int i = 0; i < 500; i++)
        {
            ShelfVisit visit = ShelfSlate.Next(random);
            if (Math.Abs(visit.Taste) < 0.3)
            {
                continue;
            }
            string genre = visit.Taste > 0 ? "-a" : "-b";
            string[] slate = [.. ShelfSlate.Optimal(visit).Select(a => ShelfSlate.Actions[a].Id)];
            // The position bias is the same for every item, so the two shelf positions may take the niche items in either order.
            Assert.Equal("blockbuster" + genre, slate[0]);
            Assert.Equal(["cult" + genre, "indie" + genre], slate.Skip(1).Order());
        }
    }

    [Theory]
    [InlineData(PolicyKind.EpsilonGreedy, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Shared)]
    [InlineData(PolicyKind.LinUcb, LinearModelKind.Disjoint)]
    public void Run_FiveThousandVisits_LearnerBeatsTheBestFixedSlateAndNearsTheOptimum(PolicyKind kind, LinearModelKind model)
    {
        var against = Baselines.Of(ShelfSlate.Baselines(SimulationRun.Decisions, SimulationRun.Seed));

        // Each visit fills the three slots in order, each over the items the earlier slots left.
        SimulationResult learner = ShelfSlate.Run(
            kind.ToString(), new BanditPolicy(ShelfSlate.Schema, new PolicySettings(kind, Epsilon: 0.05, Alpha: 0.3, Model: model, Seed: SimulationRun.Seed)),
            SimulationRun.Decisions, SimulationRun.Seed);

        string report = against.Report($"{kind}/{model}", learner);
        Assert.True(learner.FinalWindowReward >= 0.95 * against.Optimal && learner.FinalWindowReward > against.BestFixed + 0.03, report);
        Assert.True(against.Random < against.BestFixed && against.BestFixed < 0.9 * against.Optimal, report);
    }
}
