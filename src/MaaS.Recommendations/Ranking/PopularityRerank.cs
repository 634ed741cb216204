namespace MaaS.Recommendations.Ranking;

/// <summary>
/// Popularity-penalised re-ranking of a candidate pool: each candidate scores rel − λ·q, rel its score over the pool's
/// best (negatives count 0) and q its popularity quantile within the pool (the share of the other candidates strictly
/// less popular: 0 for the pool's least popular, 1 for its most popular). A quantile rather than the raw count,
/// because counts span orders of magnitude and differ between pools: measured on ml-100k, a penalty by log count
/// pushed every user toward the same few tail items and lost nDCG before it doubled coverage, while the quantile
/// promotes each user's own less popular candidates (docs/recommendations.md, Popularity bias). Ties keep the
/// pool's order, and λ = 0 returns the pool's order unchanged, so strength 0 is exactly no re-ranking. Pure and
/// thread-safe.
/// </summary>
public static class PopularityRerank
{
    /// <summary>The new order of the pool: positions into it, best first, at most <paramref name="count"/>.</summary>
    /// <param name="scores">The pool's relevance scores, in its order (best first).</param>
    /// <param name="popularity">Interactions per candidate (0 for an item without any), same order.</param>
    /// <param name="strength">λ in [0, 1]: 0 keeps relevance order; 1 lets the pool's least popular candidate outrank the
    /// most popular one even when the latter is the most relevant.</param>
    /// <param name="count">Positions wanted.</param>
    public static int[] Order(ReadOnlySpan<float> scores, ReadOnlySpan<int> popularity, float strength, int count)
    {
        if (scores.Length != popularity.Length)
        {
            throw new ArgumentException("One popularity per score.", nameof(popularity));
        }

        if (float.IsNaN(strength) || strength is < 0f or > 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must lie in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (strength == 0f || n < 2)
        {
            return order[..Math.Min(count, n)];
        }

        float best = 0f;
        var byPopularity = popularity.ToArray();
        foreach (float s in scores)
        {
            best = Math.Max(best, s);
        }

        foreach (int p in byPopularity)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(p, nameof(popularity));
        }

        Array.Sort(byPopularity);
        var adjusted = new double[n];
        for (int i = 0; i < n; i++)
        {
            double relevance = best > 0f ? Math.Max(0f, scores[i]) / best : 0;
            double quantile = (double)LessPopular(byPopularity, popularity[i]) / (n - 1);
            adjusted[i] = relevance - (strength * quantile);
        }

        // Array.Sort is unstable: the position breaks ties so equal candidates keep the pool's order.
        Array.Sort(order, (a, b) => adjusted[a] != adjusted[b] ? adjusted[b].CompareTo(adjusted[a]) : a.CompareTo(b));
        return order[..Math.Min(count, n)];
    }

    /// <summary>How many of the sorted counts are strictly below <paramref name="value"/>.</summary>
    private static int LessPopular(int[] sorted, int value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
