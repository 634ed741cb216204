namespace MaaS.Agents.Simulation;

/// <summary>One simulated player arriving for a level: the hidden skill and what the game can observe.</summary>
public sealed record Player(double Skill, DecisionInput Input);

/// <summary>
/// The demo game: difficulty adjustment for players of hidden skill s ~ U(0.05, 0.95). The game observes a noisy skill
/// signal (recent win rate, σ = 0.05), its square, the hour and the device; it picks one of five difficulty levels d,
/// and the player keeps playing (reward 1) with probability μ(s, d) = max(0, 0.9 − 4 (s − d)²). The optimum is known:
/// the level nearest the hidden skill. Thread-safe; each caller passes its own <see cref="Random"/>.
/// </summary>
public sealed class DifficultyGame
{
    private static readonly double[] Levels = [0.1, 0.3, 0.5, 0.7, 0.9];
    private static readonly string[] Names = ["very-easy", "easy", "normal", "hard", "very-hard"];

    /// <summary>The observed features: skill signal, its square, hour of day / 24, mobile (0/1).</summary>
    public static FeatureSchema Schema { get; } = new(["skill_signal", "skill_signal_sq", "hour", "mobile"], ["difficulty", "difficulty_sq"]);

    /// <summary>The five actions, the same for every player.</summary>
    public static IReadOnlyList<ActionInput> Actions { get; } = [.. Levels.Select((d, i) => new ActionInput(Names[i], [d, d * d]))];

    /// <summary>The probability that a player of this skill keeps playing at the level with this index.</summary>
    public static double ExpectedReward(double skill, int action)
    {
        double gap = skill - Levels[action];
        return Math.Max(0, 0.9 - (4 * gap * gap));
    }

    /// <summary>The best level for this skill: what the optimal policy, which sees the hidden skill, plays.</summary>
    public static int Optimal(double skill)
    {
        int best = 0;
        for (int a = 1; a < Levels.Length; a++)
        {
            if (ExpectedReward(skill, a) > ExpectedReward(skill, best))
            {
                best = a;
            }
        }
        return best;
    }

    /// <summary>Draws the next player.</summary>
    public static Player Next(Random random)
    {
        double skill = 0.05 + (0.9 * random.NextDouble());
        double signal = Math.Clamp(skill + (0.05 * Gaussian(random)), 0, 1);
        double[] context = [signal, signal * signal, random.Next(24) / 24.0, random.NextDouble() < 0.4 ? 1 : 0];
        return new Player(skill, new DecisionInput(context, Actions));
    }

    /// <summary>A Bernoulli draw of the reward.</summary>
    public static double Reward(double skill, int action, Random random) => random.NextDouble() < ExpectedReward(skill, action) ? 1 : 0;

    internal static double Gaussian(Random random)
    {
        double u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
