namespace MaaS.Agents.Tests.Simulation;

/// <summary>
/// The run the simulation tests play: how many decisions their goals are stated for (a learner's last 1,000 against
/// the optimum) and the seed of the game and the policy, so every test reads the same run.
/// </summary>
internal static class SimulationRun
{
    public const int Decisions = 5_000;

    public const int Seed = 31;
}

/// <summary>The baselines a learner is measured against (random, the best fixed choice, the optimum), with the report its assertions carry.</summary>
internal sealed record Baselines(double Random, double BestFixed, double Optimal, string BestFixedName)
{
    /// <summary>From a game's <c>Baselines</c>: random, best fixed, optimal, in that order.</summary>
    public static Baselines Of(IReadOnlyList<SimulationResult> results) => new(results[0].MeanReward, results[1].MeanReward, results[2].MeanReward, results[1].Name);

    public string Report(string label, SimulationResult learner) =>
        $"{label}: last 1,000 {learner.FinalWindowReward:F4}, progressive {learner.MeanReward:F4}; random {Random:F4}, {BestFixedName} {BestFixed:F4}, optimal {Optimal:F4}";
}
