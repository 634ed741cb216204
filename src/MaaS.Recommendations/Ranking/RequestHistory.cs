using System.Diagnostics.CodeAnalysis;

namespace MaaS.Recommendations.Ranking;

/// <summary>
/// What every recommender does first with a <see cref="RecommendationRequest"/>, and last before it builds the answer:
/// validate it, map its history and excluded ids to its own indices, score into a candidate pool sized for MMR, then
/// re-rank that pool when the request asks for diversity. One per call; not thread-safe.
/// </summary>
internal sealed class RequestHistory
{
    private readonly float? _diversity;
    private readonly int _count;

    private RequestHistory(RecommendationRequest request, IdMap items)
    {
        History = new List<int>(request.History.Count);
        Weights = new List<float>(request.History.Count);
        Unknown = Map(request, items, History, Weights);
        Excluded = MapExcluded(request, items);
        _diversity = request.Diversity is float lambda && lambda < 1f ? lambda : null;
        _count = request.Count;
        int pool = _diversity is null ? request.Count : Math.Max(4 * request.Count, 40);
        Picked = new int[pool];
        Scores = new float[pool];
        Sources = new RecommendationSource[pool];
    }

    /// <summary>Known history items, in request order.</summary>
    public List<int> History { get; }

    /// <summary>The weight of each of <see cref="History"/> (1 by default).</summary>
    public List<float> Weights { get; }

    /// <summary>How many history ids the recommender does not know.</summary>
    public int Unknown { get; }

    /// <summary>Indices of the request's known excluded ids (empty without any).</summary>
    public int[] Excluded { get; }

    /// <summary>The candidate pool the recommender scores into: 4 × count (at least 40) when diversity asks for it.</summary>
    public int[] Picked { get; }

    /// <inheritdoc cref="Picked"/>
    public float[] Scores { get; }

    /// <inheritdoc cref="Picked"/>
    public RecommendationSource[] Sources { get; }

    public ReadOnlySpan<int> HistorySpan => CollectionsMarshal.AsSpan(History);

    public ReadOnlySpan<float> WeightSpan => CollectionsMarshal.AsSpan(Weights);

    /// <summary>The mapped request, or the first broken rule.</summary>
    public static bool TryMap(RecommendationRequest request, IdMap items, [NotNullWhen(true)] out RequestHistory? mapped, out RecommendationError error)
    {
        error = Validate(request);
        mapped = error == RecommendationError.None ? new RequestHistory(request, items) : null;
        return mapped is not null;
    }

    /// <summary>Re-ranks the first <paramref name="scored"/> of the pool by MMR when the request asks for diversity;
    /// returns how many stand.</summary>
    public int Diversify(int scored, ItemIndex index) =>
        _diversity is float lambda ? Mmr.Rerank(index, Picked.AsSpan(0, scored), Scores.AsSpan(0, scored), Sources.AsSpan(0, scored), _count, lambda) : scored;

    /// <inheritdoc cref="Diversify(int, ItemIndex)"/>
    public int Diversify(int scored, Func<int, int, float> similarity) =>
        _diversity is float lambda ? Mmr.Rerank(similarity, Picked.AsSpan(0, scored), Scores.AsSpan(0, scored), Sources.AsSpan(0, scored), _count, lambda) : scored;

    private static RecommendationError Validate(RecommendationRequest request)
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

    private static int Map(RecommendationRequest request, IdMap items, List<int> history, List<float> weights)
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

    private static int[] MapExcluded(RecommendationRequest request, IdMap items)
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
}
