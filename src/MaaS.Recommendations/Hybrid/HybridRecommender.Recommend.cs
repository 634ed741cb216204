namespace MaaS.Recommendations.Hybrid;

public sealed partial class HybridRecommender
{
    private const int ExplanationCount = 3;

    /// <summary>Recommends for a history. <see cref="RecommendationStrategy.CollaborativeFiltering"/> is exactly
    /// <see cref="ItemIndex.Recommend"/>; the others score over both id spaces and mark each result
    /// <see cref="RecommendationSource.Neighbours"/> or <see cref="RecommendationSource.Content"/> by the larger share.</summary>
    public RecommendationResult Recommend(RecommendationRequest request, RecommendationStrategy strategy = RecommendationStrategy.Hybrid)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (strategy == RecommendationStrategy.CollaborativeFiltering && Collaborative is not null)
        {
            return Collaborative.Recommend(request);
        }

        if (!RequestHistory.TryMap(request, Items, out var mapped, out var error))
        {
            return RecommendationResult.Fail(error);
        }

        int n = RecommendCore(mapped.HistorySpan, mapped.WeightSpan, mapped.Picked.Length, request.Filter, null, request.ExcludeSeen, request.PopularityFallback,
            strategy, mapped.Picked, mapped.Scores, mapped.Sources, mapped.Excluded);
        n = mapped.Diversify(n, PairSimilarity);
        return Results(mapped.Picked.AsSpan(0, n), mapped.Scores, mapped.Sources, request.Explain ? (mapped.History, mapped.Weights) : null, mapped.Unknown);
    }

    /// <summary>Items most similar to one item: its own rows scored as a one-item history (no popularity fill).</summary>
    public RecommendationResult SimilarItems(SimilarItemsRequest request, RecommendationStrategy strategy = RecommendationStrategy.Hybrid)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (strategy == RecommendationStrategy.CollaborativeFiltering)
        {
            return Collaborative?.SimilarItems(request) ?? RecommendationResult.Fail(RecommendationError.UnknownItem);
        }

        if (request.Count is < 1 or > RecommendationRequest.MaxCount)
        {
            return RecommendationResult.Fail(RecommendationError.InvalidCount);
        }

        if (!Items.TryGetIndex(request.ItemId, out int anchor))
        {
            return RecommendationResult.Fail(RecommendationError.UnknownItem);
        }

        var picked = new int[request.Count];
        var scores = new float[request.Count];
        var sources = new RecommendationSource[request.Count];
        int n = RecommendCore([anchor], [1f], request.Count, request.Filter, null, excludeSeen: true, fallback: false, strategy, picked, scores, sources);
        return Results(picked.AsSpan(0, n), scores, sources, null, 0);
    }

    /// <summary>
    /// The popularity ranking of the CF index without the excluded items, filtered: what <see cref="Recommend"/> fills
    /// a page with under the same strategy (<see cref="RecommendationStrategy.CollaborativeFiltering"/> is exactly
    /// <see cref="ItemIndex.Popular"/>; the others judge filters by this recommender's catalogue, where the live
    /// content metadata wins). Empty without a CF index.
    /// </summary>
    public RecommendationResult Popular(PopularItemsRequest request, RecommendationStrategy strategy = RecommendationStrategy.Hybrid)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (strategy == RecommendationStrategy.CollaborativeFiltering && Collaborative is not null)
        {
            return Collaborative.Popular(request);
        }

        if (request.Count is < 1 or > RecommendationRequest.MaxCount)
        {
            return RecommendationResult.Fail(RecommendationError.InvalidCount);
        }

        if (Collaborative is null)
        {
            return new RecommendationResult(RecommendationError.None, []);
        }

        var ws = HybridWorkspace.For(Items.Count, CfCount, ContentToUnion.Length, request.Count);
        var excluded = new List<int>(request.Exclude.Count);
        foreach (string id in request.Exclude)
        {
            if (Items.TryGetIndex(id, out int item))
            {
                ws.Seen[item] = 1;
                excluded.Add(item);
            }
        }

        var items = new int[request.Count];
        var scores = new float[request.Count];
        var sources = new RecommendationSource[request.Count];
        int n = FillFromPopularity(new Candidates(new CandidateFilter(Catalog, request.Filter, ws.Seen), null, null), 0, request.Count, items, scores, sources);
        foreach (int item in excluded)
        {
            ws.Seen[item] = 0;
        }

        return Results(items.AsSpan(0, n), scores, sources, null, 0);
    }

    /// <summary>
    /// The core over union indices: CF part w(i)·cf(i)/max cf, content part α·(1 − w(i))·content(i)/max content (strategy
    /// CF sets w ≡ 1, content sets w ≡ 0 and α = 1, and so does hybrid when no CF score is positive), best <paramref name="count"/> with score &gt; 0, then popularity when
    /// <paramref name="fallback"/>. <paramref name="allowed"/>, when given, restricts candidates (non-zero = allowed);
    /// <paramref name="excluded"/> are never offered (nor the history when <paramref name="excludeSeen"/>).
    /// </summary>
    internal int RecommendCore(ReadOnlySpan<int> history, ReadOnlySpan<float> weights, int count, ItemFilter? filter, byte[]? allowed, bool excludeSeen, bool fallback,
        RecommendationStrategy strategy, Span<int> items, Span<float> scores, Span<RecommendationSource> sources, ReadOnlySpan<int> excluded = default)
    {
        var ws = HybridWorkspace.For(Items.Count, CfCount, ContentToUnion.Length, count);
        var blend = ws.Blend.AsSpan(0, Items.Count);
        var cf = ws.Cf.AsSpan(0, CfCount);
        bool cfEvidence = false;
        if (strategy != RecommendationStrategy.Content && Collaborative is not null)
        {
            for (int k = 0; k < history.Length; k++)
            {
                if (history[k] < CfCount)
                {
                    Collaborative.AddRow(history[k], weights[k], cf, ws.Decoded);
                }
            }

            float top = cf.IsEmpty ? 0f : TensorPrimitives.Max(cf);
            cfEvidence = top > 0f;
            if (cfEvidence)
            {
                if (strategy == RecommendationStrategy.Hybrid)
                {
                    TensorPrimitives.Multiply(cf, CfWeights.AsSpan(0, CfCount), cf);
                }

                TensorPrimitives.Divide(cf, top, cf);
                cf.CopyTo(blend);
            }
        }

        if (strategy != RecommendationStrategy.CollaborativeFiltering && ContentIndex is not null)
        {
            // Without any CF evidence (a history of items the CF build has not seen) the blend would weigh warm
            // candidates' content by 1 − w ≈ 0 and rank nothing: content ranks alone instead.
            AddContent(history, weights, cfEvidence ? strategy : RecommendationStrategy.Content, blend, ws);
        }

        if (excludeSeen)
        {
            SeenMarks.Mark(ws.Seen, history);
        }

        SeenMarks.Mark(ws.Seen, excluded);

        var candidates = new Candidates(new CandidateFilter(Catalog, filter, excludeSeen || !excluded.IsEmpty ? ws.Seen : null), allowed, null);
        int n = TopKSelector.Select(blend, count, 0f, candidates, ws.PoolPositions, ws.PoolScores);
        for (int r = 0; r < n; r++)
        {
            int u = ws.PoolPositions[r];
            items[r] = u;
            scores[r] = ws.PoolScores[r];
            float cfPart = u < CfCount ? cf[u] : 0f;
            sources[r] = cfPart >= scores[r] - cfPart ? RecommendationSource.Neighbours : RecommendationSource.Content;
        }

        if (strategy == RecommendationStrategy.Hybrid && Options.NewItemSlots > 0)
        {
            // A new item's blended score is scale · content / max content; the slot needs a real match, not a shared word.
            float floor = HybridOptions.NewItemMinRelevance * (cfEvidence ? Options.ContentWeight : 1f);
            n = ReserveNewItemSlots(blend, candidates, count, n, floor, items, scores, sources, ws);
        }

        blend.Clear();
        cf.Clear();
        if (fallback && n < count && Collaborative is not null)
        {
            n = FillFromPopularity(candidates, n, count, items, scores, sources);
        }

        SeenMarks.Unmark(ws.Seen, history);
        SeenMarks.Unmark(ws.Seen, excluded);

        return n;
    }

    // The page's last positions go to the best new items (w = 0) that did not make it on score, if relevant enough.
    private int ReserveNewItemSlots(Span<float> blend, Candidates candidates, int count, int n, float floor, Span<int> items, Span<float> scores, Span<RecommendationSource> sources, HybridWorkspace ws)
    {
        int present = 0;
        for (int r = 0; r < n; r++)
        {
            present += NewItems[items[r]];
        }

        int wanted = Math.Min(Options.NewItemSlots, count) - present;
        if (wanted <= 0)
        {
            return n;
        }

        var onlyNew = new Candidates(candidates.Inner, candidates.Allowed, NewItems);
        int found = TopKSelector.Select(blend, Math.Min(Options.NewItemSlots, count), floor, onlyNew, ws.PoolPositions, ws.PoolScores);
        var fresh = new List<(int Item, float Score)>(wanted);
        for (int f = 0; f < found && fresh.Count < wanted; f++)
        {
            if (!items[..n].Contains(ws.PoolPositions[f]))
            {
                fresh.Add((ws.PoolPositions[f], ws.PoolScores[f]));
            }
        }

        // Established results keep their order in front; the new items follow, best first, in the last positions.
        int keep = Math.Min(n, count - fresh.Count);
        for (int f = 0; f < fresh.Count; f++)
        {
            items[keep + f] = fresh[f].Item;
            scores[keep + f] = fresh[f].Score;
            sources[keep + f] = RecommendationSource.Content;
        }

        return keep + fresh.Count;
    }

    private void AddContent(ReadOnlySpan<int> history, ReadOnlySpan<float> weights, RecommendationStrategy strategy, Span<float> blend, HybridWorkspace ws)
    {
        var content = ws.Content.AsSpan(0, ContentToUnion.Length);
        for (int k = 0; k < history.Length; k++)
        {
            int c = UnionToContent[history[k]];
            if (c >= 0)
            {
                ScatterAdd.RunUnchecked(content, ContentIndex!.Rows[c], ContentIndex.RowWeights[c], weights[k]);
            }
        }

        float top = content.IsEmpty ? 0f : TensorPrimitives.Max(content);
        if (top > 0f)
        {
            if (strategy == RecommendationStrategy.Hybrid)
            {
                TensorPrimitives.Multiply(content, ContentBlend, content);
            }

            ScatterAdd.RunUnchecked(blend, ContentToUnion, content, 1f / top);
        }

        content.Clear();
    }

    private int FillFromPopularity(Candidates candidates, int n, int count, Span<int> items, Span<float> scores, Span<RecommendationSource> sources)
    {
        int have = n;
        foreach (int item in Collaborative!.PopularOrder)
        {
            if (n == count)
            {
                break;
            }

            if (candidates.Accept(item) && !items[..have].Contains(item))
            {
                items[n] = item;
                scores[n] = Collaborative.Popularity[item];
                sources[n] = RecommendationSource.Popularity;
                n++;
            }
        }

        return n;
    }

    private RecommendationResult Results(ReadOnlySpan<int> picked, float[] scores, RecommendationSource[] sources, (List<int> History, List<float> Weights)? explain, int unknown)
    {
        var results = new RecommendedItem[picked.Length];
        for (int r = 0; r < picked.Length; r++)
        {
            var because = explain is { } e ? Explain(picked[r], sources[r], e.History, e.Weights) : [];
            results[r] = new RecommendedItem(Items[picked[r]], scores[r], sources[r], because);
        }

        return new RecommendationResult(RecommendationError.None, results, unknown);
    }

    /// <summary>The history items with the largest weight × similarity in the index that sourced the result.</summary>
    private Contribution[] Explain(int item, RecommendationSource source, List<int> history, List<float> weights)
    {
        if (source == RecommendationSource.Popularity)
        {
            return [];
        }

        var found = new List<Contribution>();
        for (int k = 0; k < history.Count; k++)
        {
            int h = history[k];
            float similarity = source == RecommendationSource.Neighbours
                ? (h < CfCount && item < CfCount ? Collaborative!.WeightOf(h, item) : 0f)
                : (UnionToContent[h] >= 0 && UnionToContent[item] >= 0 ? ContentIndex!.WeightOf(UnionToContent[h], UnionToContent[item]) : 0f);
            if (similarity > 0f)
            {
                found.Add(new Contribution(Items[h], weights[k] * similarity));
            }
        }

        return [.. found.OrderByDescending(c => c.Value).ThenBy(c => c.ItemId, StringComparer.Ordinal).Take(ExplanationCount)];
    }

    /// <summary>For MMR: the CF similarity (as MMR scales it) when both items have one, else the content cosine.</summary>
    private float PairSimilarity(int a, int b)
    {
        if (a < CfCount && b < CfCount && Collaborative is not null)
        {
            float cf = Mmr.Similarity(Collaborative, a, b);
            if (cf > 0f)
            {
                return cf;
            }
        }

        int ca = UnionToContent[a];
        int cb = UnionToContent[b];
        return ca >= 0 && cb >= 0 ? Math.Max(ContentIndex!.WeightOf(ca, cb), ContentIndex.WeightOf(cb, ca)) : 0f;
    }

    private readonly struct Candidates(CandidateFilter inner, byte[]? allowed, byte[]? required) : ICandidateFilter
    {
        public CandidateFilter Inner => inner;

        public byte[]? Allowed => allowed;

        public bool Accept(int position) => (allowed is null || allowed[position] != 0) && (required is null || required[position] != 0) && inner.Accept(position);
    }
}
