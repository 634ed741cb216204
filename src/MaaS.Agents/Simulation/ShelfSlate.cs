namespace MaaS.Agents.Simulation;

/// <summary>One visit of the shelf: the user's hidden genre taste and, per slot, what the policy sees.</summary>
/// <param name="Taste">The hidden genre taste in [−1, 1] (−1: genre B, 1: genre A).</param>
/// <param name="Slots">Per slot, the observed taste with the slot's features (hero, position) and the eight items.</param>
public sealed record ShelfVisit(double Taste, IReadOnlyList<DecisionInput> Slots);

/// <summary>
/// The multi-slot demo (Personalizer's multi-slot rank, VW's conditional contextual bandit): a page of three slots, a
/// hero banner and two shelf positions, each showing one distinct item of eight. The item's click probability in slot s
/// for a user of genre taste t is μ = 0.35 − 0.15 position + 0.4 hero (appeal − 0.5) + 0.4 (1 − hero)(niche − 0.5)
/// + 0.2 t genre, clipped to [0.02, 0.98]: the hero slot favours high-appeal items, the shelf favours niche ones, lower
/// positions are clicked less (position bias), and the user's taste picks the genre. The policy observes the taste
/// with noise (σ 0.1) and the slot's features. The optimum is known (the best distinct slate for the hidden taste, by
/// enumeration), and so is the best fixed slate. Thread-safe; each caller passes its own <see cref="Random"/>.
/// </summary>
public static class ShelfSlate
{
    /// <summary>The slots in decision order: name, hero flag, position.</summary>
    public static IReadOnlyList<(string Id, double Hero, double Position)> SlotSpecs { get; } = [("hero", 1, 0), ("shelf-1", 0, 0.5), ("shelf-2", 0, 1)];

    /// <summary>The user's observed genre taste and the slot's features; an item's appeal, niche-ness and genre (±1).</summary>
    public static FeatureSchema Schema { get; } = new(["genre_taste", "slot_hero", "slot_position"], ["appeal", "niche", "genre"]);

    /// <summary>Eight items: two blockbusters, two hits, two indies, two cult titles, one of each genre.</summary>
    public static IReadOnlyList<ActionInput> Actions { get; } =
    [
        new("blockbuster-a", [0.9, 0.1, 1]), new("blockbuster-b", [0.85, 0.15, -1]),
        new("hit-a", [0.7, 0.3, 1]), new("hit-b", [0.65, 0.35, -1]),
        new("indie-a", [0.35, 0.8, 1]), new("indie-b", [0.3, 0.85, -1]),
        new("cult-a", [0.15, 0.95, 1]), new("cult-b", [0.1, 0.9, -1]),
    ];

    private static readonly int[][] Slates = [.. AllSlates()];

    /// <summary>The click probability of the item at <paramref name="action"/> in slot <paramref name="slot"/>.</summary>
    public static double ExpectedReward(double taste, int slot, int action)
    {
        (_, double hero, double position) = SlotSpecs[slot];
        double[] item = Actions[action].Features;
        double mu = 0.35 - (0.15 * position) + (0.4 * hero * (item[0] - 0.5)) + (0.4 * (1 - hero) * (item[1] - 0.5)) + (0.2 * taste * item[2]);
        return Math.Clamp(mu, 0.02, 0.98);
    }

    /// <summary>The mean click probability of a slate (one item index per slot).</summary>
    public static double ExpectedReward(double taste, IReadOnlyList<int> slate)
    {
        double sum = 0;
        for (int s = 0; s < slate.Count; s++)
        {
            sum += ExpectedReward(taste, s, slate[s]);
        }
        return sum / slate.Count;
    }

    /// <summary>The best distinct slate for the hidden taste: what the optimal policy shows.</summary>
    public static int[] Optimal(ShelfVisit visit) => Slates.MaxBy(slate => ExpectedReward(visit.Taste, slate))!;

    /// <summary>Draws the next visit.</summary>
    public static ShelfVisit Next(Random random)
    {
        double taste = (2 * random.NextDouble()) - 1;
        double observed = taste + (0.1 * DifficultyGame.Gaussian(random));
        return new ShelfVisit(taste, [.. SlotSpecs.Select(s => new DecisionInput([observed, s.Hero, s.Position], Actions))]);
    }

    /// <summary>
    /// A learner fills the slots of <paramref name="decisions"/> visits in order, each slot over the items the earlier
    /// slots left (as a multi-slot decide does), and learns each slot's sampled click.
    /// </summary>
    public static SimulationResult Run(string name, BanditPolicy policy, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        return GameSimulation.Collect(name, decisions, window, () =>
        {
            ShelfVisit visit = Next(random);
            var eligible = new bool[Actions.Count];
            Array.Fill(eligible, true);
            var slate = new int[SlotSpecs.Count];
            for (int s = 0; s < slate.Length; s++)
            {
                PolicyDecision decision = policy.Decide(visit.Slots[s], eligible);
                slate[s] = decision.Chosen;
                eligible[decision.Chosen] = false;
                policy.Learn(visit.Slots[s], decision.Chosen, random.NextDouble() < ExpectedReward(visit.Taste, s, decision.Chosen) ? 1 : 0);
            }
            return ExpectedReward(visit.Taste, slate);
        });
    }

    /// <summary>A fixed policy fills the slates of the same stream of visits.</summary>
    public static SimulationResult Run(string name, Func<ShelfVisit, int[]> choose, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        return GameSimulation.Collect(name, decisions, window, () =>
        {
            ShelfVisit visit = Next(random);
            return ExpectedReward(visit.Taste, choose(visit));
        });
    }

    /// <summary>A random distinct slate, the best fixed slate (over 20,000 visits) and the optimal oracle on the same visits.</summary>
    public static IReadOnlyList<SimulationResult> Baselines(int decisions, int seed, int window = 1000)
    {
        var sample = new Random(seed);
        var tastes = new double[20_000];
        for (int i = 0; i < tastes.Length; i++)
        {
            tastes[i] = Next(sample).Taste;
        }
        int[] bestFixed = Slates.MaxBy(slate => tastes.Sum(t => ExpectedReward(t, slate)))!;
        var pick = new Random(seed ^ 0x5bd1e995);
        return
        [
            Run("random slate", _ => Slates[pick.Next(Slates.Length)], decisions, seed, window),
            Run($"best fixed slate ({string.Join(", ", bestFixed.Select(a => Actions[a].Id))})", _ => bestFixed, decisions, seed, window),
            Run("optimal (sees the taste)", Optimal, decisions, seed, window),
        ];
    }

    private static IEnumerable<int[]> AllSlates()
    {
        int n = Actions.Count;
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b < n; b++)
            {
                for (int c = 0; c < n; c++)
                {
                    if (a != b && b != c && a != c)
                    {
                        yield return [a, b, c];
                    }
                }
            }
        }
    }
}
