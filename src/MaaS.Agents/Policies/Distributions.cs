namespace MaaS.Agents.Policies;

/// <summary>The probability vectors every policy shares: uniform, ε-greedy over tied maxima, sampling.</summary>
public static class Distributions
{
    /// <summary>Scores within this of the best count as tied; ties share the greedy mass so the log's probabilities stay true.</summary>
    public const double TieTolerance = 1e-12;

    /// <summary>Uniform over the eligible actions.</summary>
    public static void Uniform(ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        int count = CountEligible(eligible);
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = eligible[i] ? 1.0 / count : 0;
        }
    }

    /// <summary>ε spread uniformly over the eligible actions, 1 − ε shared by those tied for the best score.</summary>
    public static void EpsilonGreedy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> eligible, double epsilon, Span<double> probabilities)
    {
        int count = CountEligible(eligible);
        double best = double.NegativeInfinity;
        for (int i = 0; i < scores.Length; i++)
        {
            if (eligible[i] && scores[i] > best)
            {
                best = scores[i];
            }
        }
        int ties = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (eligible[i] && scores[i] >= best - TieTolerance)
            {
                ties++;
            }
        }
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (!eligible[i])
            {
                probabilities[i] = 0;
                continue;
            }
            probabilities[i] = (epsilon / count) + (scores[i] >= best - TieTolerance ? (1 - epsilon) / ties : 0);
        }
    }

    /// <summary>An index drawn from <paramref name="probabilities"/> with one uniform draw.</summary>
    public static int Sample(ReadOnlySpan<double> probabilities, Random random)
    {
        double u = random.NextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0)
            {
                continue;
            }
            last = i;
            cumulative += probabilities[i];
            if (u < cumulative)
            {
                return i;
            }
        }
        // Rounding can leave the cumulative sum a hair under 1: the last action with mass takes the remainder.
        return last;
    }

    /// <summary>The number of eligible actions; throws when none is.</summary>
    public static int CountEligible(ReadOnlySpan<bool> eligible)
    {
        int count = 0;
        foreach (bool e in eligible)
        {
            if (e)
            {
                count++;
            }
        }
        return count == 0 ? throw new ArgumentException("At least one action must be eligible.", nameof(eligible)) : count;
    }
}
