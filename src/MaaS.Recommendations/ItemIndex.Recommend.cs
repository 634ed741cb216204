namespace MaaS.Recommendations;

public sealed partial class ItemIndex
{
    private const int ExplanationCount = 3;

    /// <summary>Recommends for a user history or anonymous session. Thread-safe; scoring buffers are per thread and
    /// reused, so allocation is proportional to the request and the result, not to the catalogue.</summary>
    public RecommendationResult Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RequestHistory.TryMap(request, Items, out var mapped, out var error))
        {
            return RecommendationResult.Fail(error);
        }

        int n = RecommendCore(mapped.HistorySpan, mapped.WeightSpan, mapped.Picked.Length, request.Filter, request.ExcludeSeen, request.PopularityFallback,
            mapped.Picked, mapped.Scores, mapped.Sources, mapped.Excluded);
        n = mapped.Diversify(n, this);
        var because = request.Explain ? Explain(mapped.Picked.AsSpan(0, n), mapped.Sources.AsSpan(0, n), mapped.History, mapped.Weights) : null;
        var results = new RecommendedItem[n];
        for (int r = 0; r < n; r++)
        {
            results[r] = new RecommendedItem(Items[mapped.Picked[r]], mapped.Scores[r], mapped.Sources[r], because?[r] ?? []);
        }

        return new RecommendationResult(RecommendationError.None, results, mapped.Unknown);
    }

    /// <summary>Items most similar to one item, from its neighbour list. Thread-safe.</summary>
    public RecommendationResult SimilarItems(SimilarItemsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count is < 1 or > RecommendationRequest.MaxCount)
        {
            return RecommendationResult.Fail(RecommendationError.InvalidCount);
        }

        if (!Items.TryGetIndex(request.ItemId, out int item))
        {
            return RecommendationResult.Fail(RecommendationError.UnknownItem);
        }

        int start = Offsets[item];
        int length = Offsets[item + 1] - start;
        var row = new float[length];
        Weights.Decode(item, start, length, row);
        var positions = new int[request.Count];
        var best = new float[request.Count];
        var filter = new RowFilter(Neighbours.AsSpan(start, length).ToArray(), new CandidateFilter(Catalog, request.Filter, null));
        int n = TopKSelector.Select(row, request.Count, 0f, filter, positions, best);
        var results = new RecommendedItem[n];
        for (int r = 0; r < n; r++)
        {
            results[r] = new RecommendedItem(Items[Neighbours[start + positions[r]]], best[r], RecommendationSource.Neighbours, []);
        }

        return new RecommendationResult(RecommendationError.None, results);
    }

    /// <summary>
    /// The popularity ranking (time-decayed when the build asked for it) without the excluded items, filtered: what
    /// <see cref="Recommend"/> fills a page with when <see cref="RecommendationRequest.PopularityFallback"/> is set.
    /// Thread-safe.
    /// </summary>
    public RecommendationResult Popular(PopularItemsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count is < 1 or > RecommendationRequest.MaxCount)
        {
            return RecommendationResult.Fail(RecommendationError.InvalidCount);
        }

        var seen = ScoringWorkspace.For(ItemCount).Seen;
        var excluded = new List<int>(request.Exclude.Count);
        foreach (string id in request.Exclude)
        {
            if (Items.TryGetIndex(id, out int item))
            {
                seen[item] = 1;
                excluded.Add(item);
            }
        }

        var items = new int[request.Count];
        var scores = new float[request.Count];
        var sources = new RecommendationSource[request.Count];
        int n = FillFromPopularity(new CandidateFilter(Catalog, request.Filter, seen), 0, request.Count, items, scores, sources);
        foreach (int item in excluded)
        {
            seen[item] = 0;
        }

        var results = new RecommendedItem[n];
        for (int r = 0; r < n; r++)
        {
            results[r] = new RecommendedItem(Items[items[r]], scores[r], RecommendationSource.Popularity, []);
        }

        return new RecommendationResult(RecommendationError.None, results);
    }

    /// <summary>
    /// The allocation-free core over internal indices: scores the history against the neighbour lists, selects the best
    /// <paramref name="count"/> (score &gt; 0) and tops up from popularity, never offering <paramref name="excluded"/>
    /// (nor the history when <paramref name="excludeSeen"/>). Returns how many were written.
    /// </summary>
    internal int RecommendCore(ReadOnlySpan<int> history, ReadOnlySpan<float> weights, int count, ItemFilter? filter, bool excludeSeen, bool fallback,
        Span<int> items, Span<float> scores, Span<RecommendationSource> sources, ReadOnlySpan<int> excluded = default)
    {
        var ws = ScoringWorkspace.For(ItemCount);
        var acc = ws.Scores.AsSpan(0, ItemCount);
        long touched = 0;
        for (int k = 0; k < history.Length; k++)
        {
            int h = history[k];
            touched += AddRow(h, weights[k], acc, ws.Decoded);
            if (excludeSeen)
            {
                ws.Seen[h] = 1;
            }
        }

        SeenMarks.Mark(ws.Seen, excluded);

        var candidates = new CandidateFilter(Catalog, filter, excludeSeen || !excluded.IsEmpty ? ws.Seen : null);
        ws.EnsurePool(count);
        int n = TopKSelector.Select(acc, count, 0f, candidates, ws.PoolPositions, ws.PoolScores);
        for (int r = 0; r < n; r++)
        {
            items[r] = ws.PoolPositions[r];
            scores[r] = ws.PoolScores[r];
            sources[r] = RecommendationSource.Neighbours;
        }

        // Clear only what the history touched (O(history × k)) unless a dense clear of all items is cheaper.
        if (touched >= ItemCount / 8)
        {
            acc.Clear();
        }
        else
        {
            for (int k = 0; k < history.Length; k++)
            {
                int h = history[k];
                foreach (int j in Neighbours.AsSpan(Offsets[h], Offsets[h + 1] - Offsets[h]))
                {
                    acc[j] = 0f;
                }
            }
        }

        if (fallback && n < count)
        {
            n = FillFromPopularity(candidates, n, count, items, scores, sources);
        }

        SeenMarks.Unmark(ws.Seen, history);
        SeenMarks.Unmark(ws.Seen, excluded);

        return n;
    }

    /// <summary><c>acc[j] += scale · w(item, j)</c> over the item's neighbour row; returns the row length.</summary>
    internal int AddRow(int item, float scale, Span<float> acc, float[] decodeBuffer)
    {
        int start = Offsets[item];
        int length = Offsets[item + 1] - start;
        if (Weights.Precision == WeightPrecision.Float32)
        {
            ScatterAdd.RunUnchecked(acc, Neighbours.AsSpan(start, length), Weights.F32.AsSpan(start, length), scale);
        }
        else
        {
            var decoded = decodeBuffer.AsSpan(0, length);
            Weights.Decode(item, start, length, decoded);
            ScatterAdd.RunUnchecked(acc, Neighbours.AsSpan(start, length), decoded, scale);
        }

        return length;
    }

    private int FillFromPopularity(CandidateFilter candidates, int n, int count, Span<int> items, Span<float> scores, Span<RecommendationSource> sources)
    {
        int have = n;
        foreach (int item in PopularOrder)
        {
            if (n == count)
            {
                break;
            }

            if (!candidates.Accept(item) || items[..have].Contains(item))
            {
                continue;
            }

            items[n] = item;
            scores[n] = Popularity[item];
            sources[n] = RecommendationSource.Popularity;
            n++;
        }

        return n;
    }

    /// <summary>
    /// For every neighbour-scored result, the history items with the largest history weight × similarity. One pass over
    /// the history's neighbour rows marks hits through a result-slot table, instead of a lookup per (result, history) pair.
    /// </summary>
    private Contribution[][] Explain(ReadOnlySpan<int> picked, ReadOnlySpan<RecommendationSource> sources, List<int> history, List<float> weights)
    {
        var ws = ScoringWorkspace.For(ItemCount);
        var slots = ws.ResultSlots;
        for (int r = 0; r < picked.Length; r++)
        {
            if (sources[r] == RecommendationSource.Neighbours)
            {
                slots[picked[r]] = r + 1;
            }
        }

        var topValue = new float[picked.Length * ExplanationCount];
        var topItem = new int[picked.Length * ExplanationCount];
        Array.Fill(topValue, float.NegativeInfinity);
        Array.Fill(topItem, -1);
        for (int k = 0; k < history.Count; k++)
        {
            int h = history[k];
            int start = Offsets[h];
            int length = Offsets[h + 1] - start;
            var row = Neighbours.AsSpan(start, length);
            var decoded = ws.Decoded.AsSpan(0, length);
            Weights.Decode(h, start, length, decoded);
            for (int p = 0; p < row.Length; p++)
            {
                int r = slots[row[p]] - 1;
                if (r >= 0)
                {
                    Insert(topValue.AsSpan(r * ExplanationCount, ExplanationCount), topItem.AsSpan(r * ExplanationCount, ExplanationCount), decoded[p] * weights[k], h);
                }
            }
        }

        var result = new Contribution[picked.Length][];
        for (int r = 0; r < picked.Length; r++)
        {
            slots[picked[r]] = 0;
            var list = new List<Contribution>(ExplanationCount);
            for (int e = 0; e < ExplanationCount && topItem[(r * ExplanationCount) + e] >= 0; e++)
            {
                list.Add(new Contribution(Items[topItem[(r * ExplanationCount) + e]], topValue[(r * ExplanationCount) + e]));
            }

            result[r] = [.. list];
        }

        return result;
    }

    // Keeps the best few (value desc, then item asc) in a tiny sorted array; item -1 marks an empty slot.
    private static void Insert(Span<float> values, Span<int> items, float value, int item)
    {
        int at = 0;
        while (at < values.Length && items[at] >= 0 && (values[at] > value || (values[at] == value && items[at] < item)))
        {
            at++;
        }

        if (at == values.Length)
        {
            return;
        }

        for (int m = values.Length - 1; m > at; m--)
        {
            values[m] = values[m - 1];
            items[m] = items[m - 1];
        }

        values[at] = value;
        items[at] = item;
    }

    private readonly struct RowFilter(int[] neighbours, CandidateFilter inner) : ICandidateFilter
    {
        public bool Accept(int position) => inner.Accept(neighbours[position]);
    }
}
