namespace MaaS.Recommendations.Ranking;

/// <summary>
/// Maximal marginal relevance: greedily picks argmax λ·rel(c) − (1−λ)·max over picked s of sim(c, s), relevance scaled
/// to [0, 1] by the pool's best score and similarity by each item's strongest neighbour weight (symmetrised by max).
/// </summary>
internal static class Mmr
{
    public static int Rerank(ItemIndex index, Span<int> items, Span<float> scores, Span<RecommendationSource> sources, int count, float lambda) =>
        Rerank((a, b) => Similarity(index, a, b), items, scores, sources, count, lambda);

    /// <summary>The same over any pairwise similarity in [0, 1] (the hybrid passes its blend of both indexes).</summary>
    public static int Rerank(Func<int, int, float> similarity, Span<int> items, Span<float> scores, Span<RecommendationSource> sources, int count, float lambda)
    {
        int n = items.Length;
        if (n == 0)
        {
            return 0;
        }

        float top = 0f;
        foreach (float s in scores)
        {
            top = Math.Max(top, s);
        }

        var relevance = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Popularity fill-ins rank below every neighbour-scored item.
            relevance[i] = sources[i] != RecommendationSource.Popularity && top > 0f ? scores[i] / top : 0f;
        }

        var maxSim = new float[n];
        var taken = new bool[n];
        var order = new int[Math.Min(count, n)];
        for (int step = 0; step < order.Length; step++)
        {
            int best = -1;
            float bestValue = float.NegativeInfinity;
            for (int c = 0; c < n; c++)
            {
                if (taken[c])
                {
                    continue;
                }

                float value = (lambda * relevance[c]) - ((1f - lambda) * maxSim[c]);
                if (value > bestValue)
                {
                    bestValue = value;
                    best = c;
                }
            }

            taken[best] = true;
            order[step] = best;
            for (int c = 0; c < n; c++)
            {
                if (!taken[c])
                {
                    maxSim[c] = Math.Max(maxSim[c], similarity(items[c], items[best]));
                }
            }
        }

        var newItems = new int[order.Length];
        var newScores = new float[order.Length];
        var newSources = new RecommendationSource[order.Length];
        for (int r = 0; r < order.Length; r++)
        {
            newItems[r] = items[order[r]];
            newScores[r] = scores[order[r]];
            newSources[r] = sources[order[r]];
        }

        newItems.CopyTo(items);
        newScores.CopyTo(scores);
        newSources.CopyTo(sources);
        return order.Length;
    }

    internal static float Similarity(ItemIndex index, int a, int b)
    {
        float ab = index.RowMax[a] > 0f ? index.WeightOf(a, b) / index.RowMax[a] : 0f;
        float ba = index.RowMax[b] > 0f ? index.WeightOf(b, a) / index.RowMax[b] : 0f;
        return Math.Max(ab, ba);
    }
}
