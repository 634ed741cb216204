namespace MaaS.Agents.Simulation;

/// <summary>One duel: the player's hidden style, both health levels, and what the NPC observes.</summary>
/// <param name="Style">0 rusher, 1 turtle, 2 sniper: hidden from the NPC.</param>
/// <param name="NpcHealth">The NPC's health in [0.1, 1].</param>
/// <param name="PlayerHealth">The player's health in [0.1, 1].</param>
/// <param name="Input">The observation and the four tactics.</param>
public sealed record Duel(int Style, double NpcHealth, double PlayerHealth, DecisionInput Input);

/// <summary>
/// The second demo game: an NPC opponent picks a tactic (charge, flank, take cover, retreat to heal) against a player of
/// hidden style (rusher, turtle, sniper). The NPC sees the player's last ten moves as shares of attack, hide and snipe
/// moves (a noisy view of the style), its own health and the player's. It wins the duel (reward 1) with probability
/// μ = table[style, tactic] + 0.25 (npc − player health) for the three fighting tactics, and 0.2 + 0.6 (1 − npc health)
/// for retreating, clipped to [0.02, 0.98]. The optimum is known: the best tactic for the hidden style and the healths.
/// Thread-safe; each caller passes its own <see cref="Random"/>.
/// </summary>
public static class NpcDuel
{
    private static readonly string[] Tactics = ["charge", "flank", "cover", "retreat"];

    // Rows: rusher, turtle, sniper. Columns: charge, flank, cover. A rusher runs into cover fire, a turtle is broken by
    // a charge, a sniper is beaten from the side.
    private static readonly double[,] Table = { { 0.30, 0.55, 0.75 }, { 0.70, 0.50, 0.25 }, { 0.35, 0.75, 0.30 } };

    // The share of attack, hide and snipe moves each style plays.
    private static readonly double[,] Moves = { { 0.7, 0.1, 0.2 }, { 0.15, 0.7, 0.15 }, { 0.2, 0.2, 0.6 } };

    /// <summary>Observed: shares of the player's last ten moves (attack, hide, snipe), the NPC's and the player's health.</summary>
    public static FeatureSchema Schema { get; } = new(["attack_share", "hide_share", "snipe_share", "npc_health", "player_health"], ["aggression"]);

    /// <summary>The four tactics, the same in every duel; the action feature is how aggressive each is.</summary>
    public static IReadOnlyList<ActionInput> Actions { get; } = [.. Tactics.Select((t, i) => new ActionInput(t, [new[] { 1.0, 0.7, 0.3, 0.0 }[i]]))];

    /// <summary>The probability that the NPC wins with the tactic at <paramref name="action"/>.</summary>
    public static double ExpectedReward(Duel duel, int action)
    {
        double mu = action == 3
            ? 0.2 + (0.6 * (1 - duel.NpcHealth))
            : Table[duel.Style, action] + (0.25 * (duel.NpcHealth - duel.PlayerHealth));
        return Math.Clamp(mu, 0.02, 0.98);
    }

    /// <summary>The best tactic for the hidden style and the healths: what the optimal policy plays.</summary>
    public static int Optimal(Duel duel)
    {
        int best = 0;
        for (int a = 1; a < Tactics.Length; a++)
        {
            if (ExpectedReward(duel, a) > ExpectedReward(duel, best))
            {
                best = a;
            }
        }
        return best;
    }

    /// <summary>Draws the next duel.</summary>
    public static Duel Next(Random random)
    {
        int style = random.Next(3);
        var shares = new double[3];
        for (int move = 0; move < 10; move++)
        {
            double u = random.NextDouble();
            int kind = u < Moves[style, 0] ? 0 : u < Moves[style, 0] + Moves[style, 1] ? 1 : 2;
            shares[kind] += 0.1;
        }
        double npc = 0.1 + (0.9 * random.NextDouble()), player = 0.1 + (0.9 * random.NextDouble());
        return new Duel(style, npc, player, new DecisionInput([shares[0], shares[1], shares[2], npc, player], Actions));
    }

    /// <summary>A learner plays <paramref name="decisions"/> duels and learns each sampled outcome.</summary>
    public static SimulationResult Run(string name, BanditPolicy policy, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        bool[] eligible = [.. Actions.Select(_ => true)];
        return GameSimulation.Collect(name, decisions, window, () =>
        {
            Duel duel = Next(random);
            PolicyDecision decision = policy.Decide(duel.Input, eligible);
            policy.Learn(duel.Input, decision.Chosen, random.NextDouble() < ExpectedReward(duel, decision.Chosen) ? 1 : 0);
            return ExpectedReward(duel, decision.Chosen);
        });
    }

    /// <summary>A fixed policy plays the same stream of duels.</summary>
    public static SimulationResult Run(string name, Func<Duel, int> choose, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        return GameSimulation.Collect(name, decisions, window, () =>
        {
            Duel duel = Next(random);
            return ExpectedReward(duel, choose(duel));
        });
    }

    /// <summary>Random, the best single tactic (over 20,000 duels) and the optimal oracle on the same duels.</summary>
    public static IReadOnlyList<SimulationResult> Baselines(int decisions, int seed, int window = 1000)
    {
        var pick = new Random(seed ^ 0x5bd1e995);
        var sums = new double[Tactics.Length];
        var sample = new Random(seed);
        for (int i = 0; i < 20_000; i++)
        {
            Duel duel = Next(sample);
            for (int a = 0; a < sums.Length; a++)
            {
                sums[a] += ExpectedReward(duel, a);
            }
        }
        int bestFixed = Array.IndexOf(sums, sums.Max());
        return
        [
            Run("random", _ => pick.Next(Tactics.Length), decisions, seed, window),
            Run($"best fixed ({Tactics[bestFixed]})", _ => bestFixed, decisions, seed, window),
            Run("optimal (sees the style)", Optimal, decisions, seed, window),
        ];
    }
}
