using MaaS.Agents.Evaluation;

namespace MaaS.Agents.Simulation;

/// <summary>A learning run: the mean expected reward overall, in the last window, and a curve of windows.</summary>
/// <param name="Name">What played.</param>
/// <param name="MeanReward">Mean of μ(s, chosen) over every decision (progressive: while learning).</param>
/// <param name="FinalWindowReward">Mean of μ(s, chosen) over the last <c>window</c> decisions.</param>
/// <param name="Curve">Mean of μ per consecutive window, in order.</param>
public sealed record SimulationResult(string Name, double MeanReward, double FinalWindowReward, IReadOnlyList<double> Curve);

/// <summary>Runs policies on <see cref="DifficultyGame"/>; expected rewards (μ) are averaged, so curves are smooth.</summary>
public static class GameSimulation
{
    /// <summary>A learner plays <paramref name="decisions"/> players and learns each sampled reward.</summary>
    public static SimulationResult Run(string name, BanditPolicy policy, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        var eligible = AllEligible();
        return Collect(name, decisions, window, () =>
        {
            Player player = DifficultyGame.Next(random);
            PolicyDecision decision = policy.Decide(player.Input, eligible);
            policy.Learn(player.Input, decision.Chosen, DifficultyGame.Reward(player.Skill, decision.Chosen, random));
            return DifficultyGame.ExpectedReward(player.Skill, decision.Chosen);
        });
    }

    /// <summary>
    /// An apprentice plays <paramref name="decisions"/> players, following <paramref name="baseline"/> until it switches
    /// to its learner; each reward is learnt with the decision's logged probability.
    /// </summary>
    public static SimulationResult RunApprentice(string name, ApprenticePolicy policy, Func<Player, int> baseline, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        var eligible = AllEligible();
        return Collect(name, decisions, window, () =>
        {
            Player player = DifficultyGame.Next(random);
            int follow = baseline(player);
            PolicyDecision decision = policy.Decide(player.Input, eligible, follow);
            double reward = DifficultyGame.Reward(player.Skill, decision.Chosen, random);
            policy.Learn(player.Input, decision.Chosen, reward, decision.Probabilities[decision.Chosen], follow, eligible);
            return DifficultyGame.ExpectedReward(player.Skill, decision.Chosen);
        });
    }

    /// <summary>A fixed policy (random, a rule, the oracle) plays the same stream of players.</summary>
    public static SimulationResult Run(string name, Func<Player, int> choose, int decisions, int seed, int window = 1000)
    {
        var random = new Random(seed);
        return Collect(name, decisions, window, () =>
        {
            Player player = DifficultyGame.Next(random);
            return DifficultyGame.ExpectedReward(player.Skill, choose(player));
        });
    }

    /// <summary>The baselines beside a learner: uniform random, the best single level, the optimal oracle.</summary>
    public static IReadOnlyList<SimulationResult> Baselines(int decisions, int seed, int window = 1000)
    {
        var pick = new Random(seed ^ 0x5bd1e995);
        int bestFixed = BestFixedAction(seed);
        return
        [
            Run("random", _ => pick.Next(DifficultyGame.Actions.Count), decisions, seed, window),
            Run($"best fixed ({DifficultyGame.Actions[bestFixed].Id})", _ => bestFixed, decisions, seed, window),
            Run("optimal", p => DifficultyGame.Optimal(p.Skill), decisions, seed, window),
        ];
    }

    /// <summary>The level with the highest mean reward over 20,000 players.</summary>
    public static int BestFixedAction(int seed)
    {
        var random = new Random(seed);
        var sums = new double[DifficultyGame.Actions.Count];
        for (int i = 0; i < 20_000; i++)
        {
            double skill = DifficultyGame.Next(random).Skill;
            for (int a = 0; a < sums.Length; a++)
            {
                sums[a] += DifficultyGame.ExpectedReward(skill, a);
            }
        }
        return Array.IndexOf(sums, sums.Max());
    }

    /// <summary>The exact value of a policy: the mean over fresh players of Σ π(a | x) μ(s, a).</summary>
    public static double TrueValue(IDecisionPolicy policy, int players, int seed)
    {
        var random = new Random(seed);
        var eligible = AllEligible();
        var probabilities = new double[DifficultyGame.Actions.Count];
        double total = 0;
        for (int i = 0; i < players; i++)
        {
            Player player = DifficultyGame.Next(random);
            policy.Probabilities(player.Input, eligible, probabilities);
            for (int a = 0; a < probabilities.Length; a++)
            {
                total += probabilities[a] * DifficultyGame.ExpectedReward(player.Skill, a);
            }
        }
        return total / players;
    }

    /// <summary>A log of <paramref name="decisions"/> made by <paramref name="logging"/> with their probabilities and sampled rewards.</summary>
    public static List<LoggedDecision> Log(IDecisionPolicy logging, int decisions, int seed)
    {
        var random = new Random(seed);
        var eligible = AllEligible();
        var log = new List<LoggedDecision>(decisions);
        for (int i = 0; i < decisions; i++)
        {
            Player player = DifficultyGame.Next(random);
            var probabilities = new double[DifficultyGame.Actions.Count];
            logging.Probabilities(player.Input, eligible, probabilities);
            int chosen = Distributions.Sample(probabilities, random);
            log.Add(new LoggedDecision(player.Input, chosen, probabilities[chosen], DifficultyGame.Reward(player.Skill, chosen, random)));
        }
        return log;
    }

    private static bool[] AllEligible()
    {
        var eligible = new bool[DifficultyGame.Actions.Count];
        Array.Fill(eligible, true);
        return eligible;
    }

    internal static SimulationResult Collect(string name, int decisions, int window, Func<double> step)
    {
        var curve = new List<double>();
        double total = 0;
        double windowTotal = 0;
        double lastWindow = 0;
        for (int i = 1; i <= decisions; i++)
        {
            double reward = step();
            total += reward;
            windowTotal += reward;
            if (i % window == 0 || i == decisions)
            {
                lastWindow = windowTotal / (i % window == 0 ? window : i % window);
                curve.Add(lastWindow);
                windowTotal = 0;
            }
        }
        return new SimulationResult(name, total / decisions, lastWindow, curve);
    }
}
