using MaaS.Recommendations.Ranking;
using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>Where a ranked item came from.</summary>
internal enum RankedSource
{
    /// <summary>Scored from the CF neighbour lists.</summary>
    Neighbours,

    /// <summary>Scored mostly from content similarity.</summary>
    Content,

    /// <summary>Not in the serving index (new since its build), ranked by its events in the trending window.</summary>
    Trending,

    /// <summary>The index's popularity ranking, filling what nothing else could.</summary>
    Popular,

    /// <summary>A recent release (a page's new row), ranked by its release date.</summary>
    New,
}

/// <summary>One item of a ranked page.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Score">Neighbour or blend score, events in the trending window (trending), or popularity; comparable within a source.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="Because">The history items that contributed most, when explanations were asked for.</param>
/// <param name="RankBefore">Its 1-based position in relevance order when debiasing moved it; 0 when not moved.</param>
internal readonly record struct RankedItem(string ItemId, float Score, RankedSource Source, IReadOnlyList<Contribution> Because, int RankBefore = 0);

/// <summary>What a page is ranked for.</summary>
/// <param name="History">The request's history (stored events, given items, exclusions, items consumed before the window).</param>
/// <param name="Count">Page size.</param>
/// <param name="Strategy">cf, content or hybrid.</param>
/// <param name="Kind">Only this kind, if set.</param>
/// <param name="Genres">Only these genres (any of them), if set.</param>
/// <param name="Diversity">MMR λ, if set.</param>
/// <param name="Explain">Whether to name the contributing history items.</param>
/// <param name="Debias">The re-ranking against popularity bias, if any.</param>
internal sealed record RankingQuery(
    History History, int Count, RecommendationStrategy Strategy, StoreKind? Kind = null, IReadOnlyList<string>? Genres = null, float? Diversity = null, bool Explain = false,
    DebiasSetting? Debias = null);

/// <summary>What <see cref="Ranker.EngineItems"/> ranks: a history (<paramref name="Ids"/> with their
/// <paramref name="Weights"/>, null: equal), what never to offer, and a <see cref="RankingQuery"/>'s page settings.</summary>
internal sealed record EngineQuery(
    IReadOnlyList<string> Ids, IReadOnlyList<float>? Weights, IReadOnlyList<string>? Exclude, int Count, ItemFilter? Filter, float? Diversity, bool Explain, DebiasSetting? Debias);

/// <summary>
/// The one scoring path of a recommendation page, for the API and for <c>maas evaluate</c> alike. A page is assembled
/// once, in this order: the engine's ranked items (CF neighbours, content, or their blend; no popularity fill), then
/// items new since the last build by their events in the trending window (they have no neighbours yet, and outrank the
/// index's stale popularity), then the engine's popularity ranking. Each part skips the history, its exclusions (everything the user
/// consumed, however old) and what the page already holds. With a debias setting, the engine ranks a pool of
/// <see cref="DebiasMethods.PoolFactor"/> candidates per slot and <see cref="PopularityRerank"/> picks the page's
/// engine items from it; trending and popular fill-ins follow as without.
/// Stateless and thread-safe.
/// </summary>
internal static class Ranker
{
    /// <param name="engine">The tenant's recommender; null when the strategy needs a CF index and none is built yet
    /// (only trending items can be offered).</param>
    /// <param name="query">The validated query.</param>
    /// <param name="catalogue">The catalogue the trending items are filtered by.</param>
    /// <param name="newItemEvents">Events per item in the trending window of the items the index does not know (<see cref="TenantState.NewItemEvents"/>; empty offline).</param>
    /// <param name="popularity">Events per item in the serving build (the build's <c>IndexStats.ItemEvents</c>), for debiasing; missing items count 0.</param>
    /// <param name="relevanceOrder">When given and the page is debiased, receives the engine items relevance order alone
    /// would have put on the page (to report what debiasing changed).</param>
    /// <param name="genresOf">An item's genres, for calibrated re-ranking; null: the catalogue's.</param>
    public static List<RankedItem> Rank(
        HybridRecommender? engine, RankingQuery query, CatalogueSnapshot catalogue, IEnumerable<KeyValuePair<string, int>> newItemEvents,
        IReadOnlyDictionary<string, int>? popularity = null, List<string>? relevanceOrder = null, Func<string, IReadOnlyList<string>?>? genresOf = null)
    {
        var page = new List<RankedItem>(query.Count);
        var filter = query.Kind is null && query.Genres is not { Count: > 0 } ? null : new ItemFilter(query.Kind is { } k ? CatalogueMapping.ToIndexKind(k) : null, query.Genres);
        if (engine is not null)
        {
            var history = query.History;
            page.AddRange(EngineItems(
                engine, new EngineQuery(history.Ids, history.Weights, history.Excluded.Count > 0 ? history.Excluded : null, query.Count, filter, query.Diversity, query.Explain, query.Debias),
                query.Strategy, popularity, genresOf ?? (id => catalogue.Find(id)?.Genres), relevanceOrder));
        }

        AddTrending(page, query, catalogue, newItemEvents, engine?.Collaborative);
        if (engine is not null && page.Count < query.Count)
        {
            var exclude = new List<string>(query.History.Ids.Count + query.History.Excluded.Count + page.Count);
            exclude.AddRange(query.History.Ids);
            exclude.AddRange(query.History.Excluded);
            exclude.AddRange(page.Select(p => p.ItemId));
            foreach (var item in Checked(engine.Popular(new PopularItemsRequest(exclude, query.Count - page.Count, filter), query.Strategy)).Items)
            {
                page.Add(new RankedItem(item.ItemId, item.Score, RankedSource.Popular, []));
            }
        }

        return page;
    }

    /// <summary>
    /// The engine's ranked items for one history (no trending or popularity fill), MMR-diversified and re-ranked
    /// against popularity bias as <paramref name="query"/> asks: the first part of a page, and a because row whole
    /// (its history the one anchor). With an active debias setting the engine ranks a pool of
    /// <see cref="DebiasMethods.PoolFactor"/> candidates per slot and the re-ranker picks the page's items from it.
    /// </summary>
    /// <param name="engine">The tenant's recommender.</param>
    /// <param name="query">The history and what to rank.</param>
    /// <param name="strategy">cf, content or hybrid.</param>
    /// <param name="popularity">Events per item in the serving build, for popularity debiasing.</param>
    /// <param name="genresOf">An item's genres, for calibrated re-ranking.</param>
    /// <param name="relevanceOrder">When given and the items are debiased, receives what relevance order alone would have kept.</param>
    public static List<RankedItem> EngineItems(
        HybridRecommender engine, EngineQuery query, RecommendationStrategy strategy, IReadOnlyDictionary<string, int>? popularity,
        Func<string, IReadOnlyList<string>?> genresOf, List<string>? relevanceOrder = null)
    {
        var debias = query.Debias is { Active: true } d ? d : null;
        int pool = debias is null ? query.Count : Math.Min(RecommendationRequest.MaxCount, Math.Max(query.Count * DebiasMethods.PoolFactor, DebiasMethods.MinPool));
        var ranked = Checked(engine.Recommend(
            new RecommendationRequest(query.Ids, pool, query.Weights, query.Filter, query.Diversity, query.Explain, ExcludeSeen: true, PopularityFallback: false, Exclude: query.Exclude),
            strategy)).Items;
        int[] order = debias switch
        {
            null => Identity(ranked.Count),
            { Method: DebiasMethod.Calibrated } => Calibrate(ranked, query.Ids, query.Weights, genresOf, debias.Strength, query.Count),
            _ => Rerank(ranked, popularity, debias.Strength, query.Count),
        };
        if (debias is not null && relevanceOrder is not null)
        {
            for (int i = 0; i < ranked.Count && i < query.Count; i++)
            {
                relevanceOrder.Add(ranked[i].ItemId);
            }
        }

        var items = new List<RankedItem>(order.Length);
        foreach (int position in order)
        {
            var item = ranked[position];
            int before = position != items.Count ? position + 1 : 0;
            items.Add(new RankedItem(item.ItemId, item.Score, item.Source == RecommendationSource.Content ? RankedSource.Content : RankedSource.Neighbours, item.Because, before));
        }

        return items;
    }

    private static void AddTrending(List<RankedItem> page, RankingQuery query, CatalogueSnapshot catalogue, IEnumerable<KeyValuePair<string, int>> newItemEvents, ItemIndex? cf)
    {
        int room = query.Count - page.Count;
        if (room <= 0)
        {
            return;
        }

        List<KeyValuePair<string, int>>? candidates = null;
        foreach (var pair in newItemEvents)
        {
            // The build that learnt the item may have loaded after these counts were taken.
            if ((cf is null || !cf.TryGetItemIndex(pair.Key, out _))
                && !catalogue.Deleted.Contains(pair.Key)
                && !query.History.Contains(pair.Key)
                && !page.Exists(p => p.ItemId == pair.Key)
                && CatalogueMapping.Passes(catalogue.Find(pair.Key), query.Kind, query.Genres))
            {
                (candidates ??= []).Add(pair);
            }
        }

        if (candidates is null)
        {
            return;
        }

        candidates.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        for (int c = 0; c < candidates.Count && c < room; c++)
        {
            page.Add(new RankedItem(candidates[c].Key, candidates[c].Value, RankedSource.Trending, []));
        }
    }

    private static int[] Identity(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        return order;
    }

    private static int[] Rerank(IReadOnlyList<RecommendedItem> pool, IReadOnlyDictionary<string, int>? popularity, float strength, int count)
    {
        var scores = new float[pool.Count];
        var counts = new int[pool.Count];
        for (int i = 0; i < pool.Count; i++)
        {
            scores[i] = pool[i].Score;
            counts[i] = popularity?.GetValueOrDefault(pool[i].ItemId) ?? 0;
        }

        return PopularityRerank.Order(scores, counts, strength, count);
    }

    private static int[] Calibrate(
        IReadOnlyList<RecommendedItem> pool, IReadOnlyList<string> ids, IReadOnlyList<float>? weights, Func<string, IReadOnlyList<string>?> genresOf, float strength, int count)
    {
        var target = CalibratedRerank.Distribution([.. ids.Select(genresOf)], weights ?? [.. ids.Select(static _ => 1f)]);
        var scores = new float[pool.Count];
        for (int i = 0; i < pool.Count; i++)
        {
            scores[i] = pool[i].Score;
        }

        return CalibratedRerank.Order(scores, [.. pool.Select(p => genresOf(p.ItemId))], target, strength, count);
    }

    /// <summary>The engine's own checks cannot fail on a validated query; if one does, that is a bug, not a client error.</summary>
    private static RecommendationResult Checked(RecommendationResult result) =>
        result.Error == RecommendationError.None ? result : throw new InvalidOperationException($"The engine refused a validated query: {result.Error}.");
}
