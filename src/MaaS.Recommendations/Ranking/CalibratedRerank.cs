namespace MaaS.Recommendations.Ranking;

/// <summary>
/// Calibrated re-ranking (Steck, "Calibrated Recommendations", RecSys 2018): greedily builds the list that maximises
/// (1 − λ)·Σ rel(i) − λ·KL(p ‖ q̃), p the genre distribution of the user's history, q that of the list (each item
/// spreads 1 evenly over its genres), q̃ = (1 − α)·q + α·p with α = 0.01 so the divergence stays finite, and rel the
/// score over the pool's best (negatives count 0). λ = 0 returns the pool's order unchanged. Pure and thread-safe.
/// </summary>
public static class CalibratedRerank
{
    private const double Alpha = 0.01;

    /// <summary>The genre distribution of a history: each item's weight (non-positive ones skipped) spread over its genres, normalised.</summary>
    /// <param name="genres">Per history item its genres (empty or null: none).</param>
    /// <param name="weights">Per history item its weight, same order.</param>
    public static Dictionary<string, double> Distribution(IReadOnlyList<IReadOnlyList<string>?> genres, IReadOnlyList<float> weights)
    {
        ArgumentNullException.ThrowIfNull(genres);
        ArgumentNullException.ThrowIfNull(weights);
        var p = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        double total = 0;
        for (int i = 0; i < genres.Count; i++)
        {
            if (genres[i] is not { Count: > 0 } g || weights[i] <= 0f)
            {
                continue;
            }

            foreach (string name in g)
            {
                p[name] = p.GetValueOrDefault(name) + (weights[i] / g.Count);
            }

            total += weights[i];
        }

        foreach (string key in p.Keys.ToList())
        {
            p[key] /= total;
        }

        return p;
    }

    /// <summary>The new order of the pool: positions into it, best first, at most <paramref name="count"/>.</summary>
    /// <param name="scores">The pool's relevance scores, in its order (best first).</param>
    /// <param name="genres">Per candidate its genres (empty or null: none), same order.</param>
    /// <param name="target">The history's genre distribution (<see cref="Distribution"/>); empty: relevance order.</param>
    /// <param name="strength">λ in [0, 1].</param>
    /// <param name="count">Positions wanted.</param>
    public static int[] Order(ReadOnlySpan<float> scores, IReadOnlyList<IReadOnlyList<string>?> genres, IReadOnlyDictionary<string, double> target, float strength, int count)
    {
        ArgumentNullException.ThrowIfNull(genres);
        ArgumentNullException.ThrowIfNull(target);
        if (genres.Count != scores.Length)
        {
            throw new ArgumentException("Genres for every score.", nameof(genres));
        }

        if (float.IsNaN(strength) || strength is < 0f or > 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must lie in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int n = scores.Length;
        int take = Math.Min(count, n);
        if (strength == 0f || target.Count == 0)
        {
            return [.. Enumerable.Range(0, take)];
        }

        // Genres outside the target add nothing to KL(p ‖ q̃), whose sum runs over p's support: only p's genres are tracked.
        var names = target.Keys.ToArray();
        var index = new Dictionary<string, int>(names.Length, StringComparer.OrdinalIgnoreCase);
        for (int g = 0; g < names.Length; g++)
        {
            index[names[g]] = g;
        }

        var p = names.Select(g => target[g]).ToArray();
        var shares = new double[n][];
        float best = 0f;
        for (int i = 0; i < n; i++)
        {
            best = Math.Max(best, scores[i]);
            shares[i] = new double[names.Length];
            if (genres[i] is { Count: > 0 } g)
            {
                foreach (string name in g)
                {
                    if (index.TryGetValue(name, out int at))
                    {
                        shares[i][at] += 1.0 / g.Count;
                    }
                }
            }
        }

        var mass = new double[names.Length];
        var taken = new bool[n];
        var order = new int[take];
        double relevanceSum = 0;
        for (int step = 0; step < take; step++)
        {
            int chosen = -1;
            double chosenValue = double.NegativeInfinity;
            for (int c = 0; c < n; c++)
            {
                if (taken[c])
                {
                    continue;
                }

                double relevance = best > 0f ? Math.Max(0f, scores[c]) / best : 0;
                double kl = 0;
                for (int g = 0; g < p.Length; g++)
                {
                    double q = (mass[g] + shares[c][g]) / (step + 1);
                    kl += p[g] * Math.Log(p[g] / (((1 - Alpha) * q) + (Alpha * p[g])));
                }

                double value = ((1 - strength) * (relevanceSum + relevance)) - (strength * kl);
                if (value > chosenValue)
                {
                    chosenValue = value;
                    chosen = c;
                }
            }

            taken[chosen] = true;
            order[step] = chosen;
            relevanceSum += best > 0f ? Math.Max(0f, scores[chosen]) / best : 0;
            for (int g = 0; g < p.Length; g++)
            {
                mass[g] += shares[chosen][g];
            }
        }

        return order;
    }
}
