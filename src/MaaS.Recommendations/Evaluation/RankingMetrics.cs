namespace MaaS.Recommendations.Evaluation;

/// <summary>Offline ranking metrics, averaged over users present in both truth and predictions.</summary>
/// <param name="K">Cut-off.</param>
/// <param name="Users">Users averaged over.</param>
/// <param name="Map">Mean average precision, each user's sum divided by the number of the user's test items
/// (microsoft/recommenders' <c>map</c>).</param>
/// <param name="Ndcg">nDCG@K with binary relevance and natural-log discount.</param>
/// <param name="Precision">Precision@K (hits / K).</param>
/// <param name="Recall">Recall@K (hits / test items).</param>
/// <param name="Coverage">Catalogue coverage: distinct recommended items / distinct catalogue items; NaN when no catalogue size was given.</param>
public sealed record RankingMetrics(int K, int Users, double Map, double Ndcg, double Precision, double Recall, double Coverage);

/// <summary>Computes <see cref="RankingMetrics"/> the way microsoft/recommenders' python_evaluation does. Stateless.</summary>
public static class RankingEvaluator
{
    /// <summary>Scores ranked predictions against held-out truth.</summary>
    /// <param name="truth">Per user, the set of held-out relevant items.</param>
    /// <param name="predictions">Per user, items best first (only the first <paramref name="k"/> count).</param>
    /// <param name="k">Cut-off.</param>
    /// <param name="catalogueSize">Distinct items that could have been recommended, for coverage; 0 skips it.</param>
    public static RankingMetrics Evaluate<TUser, TItem>(IReadOnlyDictionary<TUser, HashSet<TItem>> truth, IReadOnlyDictionary<TUser, IReadOnlyList<TItem>> predictions, int k, int catalogueSize = 0)
        where TUser : notnull
        where TItem : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        double map = 0, ndcg = 0, precision = 0, recall = 0;
        int users = 0;
        var recommended = new HashSet<TItem>();
        foreach (var (user, relevant) in truth)
        {
            if (!predictions.TryGetValue(user, out var ranked) || relevant.Count == 0)
            {
                continue;
            }

            users++;
            int hits = 0;
            double dcg = 0, ap = 0;
            int limit = Math.Min(k, ranked.Count);
            for (int r = 0; r < limit; r++)
            {
                recommended.Add(ranked[r]);
                if (relevant.Contains(ranked[r]))
                {
                    hits++;
                    dcg += 1.0 / Math.Log(r + 2);
                    ap += (double)hits / (r + 1);
                }
            }

            double idcg = 0;
            for (int r = 0; r < Math.Min(relevant.Count, k); r++)
            {
                idcg += 1.0 / Math.Log(r + 2);
            }

            ndcg += dcg / idcg;
            map += ap / relevant.Count;
            precision += (double)hits / k;
            recall += (double)hits / relevant.Count;
        }

        if (users == 0)
        {
            return new RankingMetrics(k, 0, 0, 0, 0, 0, double.NaN);
        }

        double coverage = catalogueSize > 0 ? (double)recommended.Count / catalogueSize : double.NaN;
        return new RankingMetrics(k, users, map / users, ndcg / users, precision / users, recall / users, coverage);
    }

    /// <summary>One user's nDCG@K (binary relevance, natural-log discount), the per-user term <see cref="Evaluate"/> averages.</summary>
    public static double UserNdcg<TItem>(HashSet<TItem> relevant, IReadOnlyList<TItem> ranked, int k)
        where TItem : notnull
    {
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (relevant.Count == 0)
        {
            return 0;
        }

        double dcg = 0, idcg = 0;
        for (int r = 0; r < Math.Min(k, ranked.Count); r++)
        {
            if (relevant.Contains(ranked[r]))
            {
                dcg += 1.0 / Math.Log(r + 2);
            }
        }

        for (int r = 0; r < Math.Min(relevant.Count, k); r++)
        {
            idcg += 1.0 / Math.Log(r + 2);
        }

        return dcg / idcg;
    }
}
