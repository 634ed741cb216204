namespace MaaS.Agents.Simulation;

/// <summary>The difficulty game's scripted expert: what a designer would hand-write, and what imitation learns from.</summary>
public static class ScriptedExpert
{
    /// <summary>The level nearest the observed skill signal (the lower one on a tie).</summary>
    public static int NearestLevel(double signal)
    {
        IReadOnlyList<ActionInput> actions = DifficultyGame.Actions;
        int best = 0;
        for (int a = 1; a < actions.Count; a++)
        {
            if (Math.Abs(actions[a].Features[0] - signal) < Math.Abs(actions[best].Features[0] - signal))
            {
                best = a;
            }
        }
        return best;
    }
}
