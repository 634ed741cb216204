namespace MaaS.Recommendations.Ranking;

/// <summary>What every recommender does first with a <see cref="RecommendationRequest"/>: validate it and map its history to indices.</summary>
internal static class RequestHistory
{
    /// <summary>The first broken rule, or <see cref="RecommendationError.None"/>.</summary>
    public static RecommendationError Validate(RecommendationRequest request)
    {
        if (request.Count is < 1 or > RecommendationRequest.MaxCount)
        {
            return RecommendationError.InvalidCount;
        }

        if (request.Diversity is float l && (l is < 0f or > 1f || float.IsNaN(l)))
        {
            return RecommendationError.InvalidDiversity;
        }

        return request.Weights is not null && request.Weights.Count != request.History.Count ? RecommendationError.WeightsMismatch : RecommendationError.None;
    }

    /// <summary>Known history items and their weights (1 by default); returns how many ids <paramref name="items"/> lacks.</summary>
    public static int Map(RecommendationRequest request, IdMap items, List<int> history, List<float> weights)
    {
        int unknown = 0;
        for (int k = 0; k < request.History.Count; k++)
        {
            if (items.TryGetIndex(request.History[k], out int item))
            {
                history.Add(item);
                weights.Add(request.Weights?[k] ?? 1f);
            }
            else
            {
                unknown++;
            }
        }

        return unknown;
    }

    /// <summary>Indices of the request's known <see cref="RecommendationRequest.Exclude"/> ids (empty without any).</summary>
    public static int[] MapExcluded(RecommendationRequest request, IdMap items)
    {
        if (request.Exclude is not { Count: > 0 } exclude)
        {
            return [];
        }

        var known = new int[exclude.Count];
        int n = 0;
        foreach (string id in exclude)
        {
            if (items.TryGetIndex(id, out int item))
            {
                known[n++] = item;
            }
        }

        return n == known.Length ? known : known[..n];
    }

    /// <summary>Candidates scored before MMR re-ranks: 4 × count (at least 40) when diversity asks for it.</summary>
    public static int Pool(RecommendationRequest request) =>
        request.Diversity is float lambda && lambda < 1f ? Math.Max(4 * request.Count, 40) : request.Count;
}
