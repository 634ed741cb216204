namespace MaaS.Recommendations.Search;

/// <summary>A fused hit: the key, its fused score and its 1-based rank in each list (null where absent).</summary>
public readonly record struct FusedHit(int Key, float Score, int? LexicalRank, int? SemanticRank);

/// <summary>
/// Reciprocal rank fusion (Cormack et al., 2009): <c>score = Σ 1 / (k + rank)</c> over the lists that hold a key. It
/// needs no score calibration between BM25 and cosine, which live on unrelated scales. Stateless; thread-safe.
/// </summary>
public static class RankFusion
{
    /// <summary>The paper's constant: it damps the weight of the very first ranks.</summary>
    public const int DefaultK = 60;

    /// <summary>Fuses two ranked lists of keys (best first), best first; ties go to the better lexical rank, then the key.</summary>
    public static List<FusedHit> Reciprocal(IReadOnlyList<int> lexical, IReadOnlyList<int> semantic, int count, int k = DefaultK)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var ranks = new Dictionary<int, (int? Lexical, int? Semantic)>();
        for (int i = 0; i < lexical.Count; i++)
        {
            ranks.TryAdd(lexical[i], (i + 1, null));
        }

        for (int i = 0; i < semantic.Count; i++)
        {
            var known = ranks.GetValueOrDefault(semantic[i]);
            if (known.Semantic is null)
            {
                ranks[semantic[i]] = (known.Lexical, i + 1);
            }
        }

        static float Part(int? rank, int k) => rank is int r ? 1f / (k + r) : 0;
        return [.. ranks
            .Select(r => new FusedHit(r.Key, Part(r.Value.Lexical, k) + Part(r.Value.Semantic, k), r.Value.Lexical, r.Value.Semantic))
            .OrderByDescending(h => h.Score).ThenBy(h => h.LexicalRank ?? int.MaxValue).ThenBy(h => h.Key)
            .Take(count)];
    }
}
