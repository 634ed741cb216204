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
