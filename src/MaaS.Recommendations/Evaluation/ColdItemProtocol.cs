namespace MaaS.Recommendations.Evaluation;

/// <summary>A split with a share of items held out of training entirely.</summary>
/// <param name="Train">Training events without any event on a cold item.</param>
/// <param name="Test">The original test events plus every training event on a cold item.</param>
/// <param name="ColdItems">The held-out items.</param>
public sealed record ColdItemSplit(List<InteractionEvent> Train, List<InteractionEvent> Test, HashSet<string> ColdItems);

/// <summary>One row of the cold-item table.</summary>
/// <param name="Name">cf, content, hybrid or popularity.</param>
/// <param name="All">Metrics on every test user, ranking over all items (seen removed).</param>
/// <param name="ColdRecall">Recall@K among cold candidates: per user with held-out cold items, the share of them in the
/// top K when only cold items are ranked; averaged over those users.</param>
/// <param name="ColdRecallAllItems">Recall@K of the same users' cold items when all items are ranked.</param>
/// <param name="ColdUsers">Users with at least one held-out cold item and a training history.</param>
public sealed record ColdItemRow(string Name, RankingMetrics All, double ColdRecall, double ColdRecallAllItems, int ColdUsers);

/// <summary>
/// The cold-item protocol: a seeded share of items (default 10%) is removed from training (their events move to
/// test), the CF index is built without them and the content index over the whole catalogue (a new item's metadata
/// is known at once). Cold recall ranks only the cold candidates, because that is the question a cold item poses (can
/// it be told apart from other new items?) and it cannot be won by simply pushing warm items. Popularity has no
/// training evidence on cold items (all tie at zero), so its ranking among them is arbitrary: its cold recall is the
/// expected recall of a uniformly random order, K / |cold|. Stateless.
/// </summary>
public static class ColdItemProtocol
{
    /// <summary>Holds out round(<paramref name="share"/> × items) items, chosen by a seeded shuffle of all item ids (ordinal order first).</summary>
    public static ColdItemSplit Split(IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, double share = 0.1, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var ids = train.Concat(test).Select(e => e.ItemId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(ids);
        var cold = ids.Take((int)Math.Round(share * ids.Length, MidpointRounding.AwayFromZero)).ToHashSet(StringComparer.Ordinal);
        var keptTrain = train.Where(e => !cold.Contains(e.ItemId)).ToList();
        var newTest = test.Concat(train.Where(e => cold.Contains(e.ItemId))).ToList();
        return new ColdItemSplit(keptTrain, newTest, cold);
    }

    /// <summary>Builds both indexes on the split and fills the table (cf, content, hybrid, popularity).</summary>
    public static IReadOnlyList<ColdItemRow> Evaluate(ColdItemSplit split, IReadOnlyList<ContentItem> catalogue, IndexBuildOptions cf, HybridOptions hybrid, ContentOptions? content = null, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(split);
        var recommender = new HybridRecommender(ItemIndex.Build(split.Train, cf), ContentIndex.Build(catalogue, content), Counts(split.Train), hybrid);
        var allowed = new byte[recommender.ItemCount];
        int candidates = 0;
        foreach (string id in split.ColdItems)
        {
            if (recommender.Items.TryGetIndex(id, out int u))
            {
                allowed[u] = 1;
                candidates++;
            }
        }

        var truth = InteractionFiles.GroupByUser(split.Test);
        var coldTruth = InteractionFiles.GroupByUser(split.Test.Where(e => split.ColdItems.Contains(e.ItemId)));
        var rows = new List<ColdItemRow>();
        foreach (var (name, strategy) in new[] { ("cf", RecommendationStrategy.CollaborativeFiltering), ("content", RecommendationStrategy.Content), ("hybrid", RecommendationStrategy.Hybrid) })
        {
            var all = OfflineEvaluator.Evaluate(recommender.Items, split.Train, truth, k, OfflineEvaluator.Ranker(recommender, strategy, null), null);
            var coldAll = OfflineEvaluator.Evaluate(recommender.Items, split.Train, coldTruth, k, OfflineEvaluator.Ranker(recommender, strategy, null), null);
            var cold = OfflineEvaluator.Evaluate(recommender.Items, split.Train, coldTruth, k, OfflineEvaluator.Ranker(recommender, strategy, allowed), null);
            rows.Add(new ColdItemRow(name, all, cold.Recall, coldAll.Recall, cold.Users));
        }

        Func<int[], int[], int> popular = (history, ranked) => recommender.RecommendCore(history, new float[history.Length], ranked.Length, null, null, excludeSeen: true, fallback: true,
            RecommendationStrategy.CollaborativeFiltering, ranked, new float[ranked.Length], new Ranking.RecommendationSource[ranked.Length]);
        var popularAll = OfflineEvaluator.Evaluate(recommender.Items, split.Train, truth, k, popular, null);
        var popularColdAll = OfflineEvaluator.Evaluate(recommender.Items, split.Train, coldTruth, k, popular, null);
        rows.Add(new ColdItemRow("popularity", popularAll, candidates == 0 ? 0 : Math.Min(1.0, (double)k / candidates), popularColdAll.Recall, rows[0].ColdUsers));
        return rows;
    }

    /// <summary>Events per item id (the n_i of the hybrid blend).</summary>
    public static Dictionary<string, int> Counts(IEnumerable<InteractionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            counts[e.ItemId] = counts.GetValueOrDefault(e.ItemId) + 1;
        }

        return counts;
    }
}
