using System.Diagnostics;

namespace MaaS.Recommendations.Evaluation;

/// <summary>A metrics table plus what it cost.</summary>
/// <param name="Metrics">Ranking metrics at K.</param>
/// <param name="BuildSeconds">Wall time of the index build, in seconds.</param>
/// <param name="NeighbourBytes">Size of neighbour ids + weights.</param>
/// <param name="Options">The options evaluated.</param>
/// <param name="Bias">Beyond-accuracy measures of the same lists, when measured.</param>
public sealed record EvaluationReport(RankingMetrics Metrics, double BuildSeconds, long NeighbourBytes, IndexBuildOptions Options, BeyondAccuracyMetrics? Bias = null);

/// <summary>
/// The offline protocol: train on one set, recommend top-K for every user of the held-out set from their training
/// history (seen items removed), score with <see cref="RankingEvaluator"/>. Stateless and thread-safe.
/// </summary>
public static class OfflineEvaluator
{
    /// <summary>Builds an index from <paramref name="train"/> and evaluates it on <paramref name="test"/>.</summary>
    public static EvaluationReport Evaluate(IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, IndexBuildOptions options, int k = 10, IProgress<int>? progress = null)
    {
        var watch = Stopwatch.StartNew();
        var index = ItemIndex.Build(train, options);
        double seconds = watch.Elapsed.TotalSeconds;
        var metrics = Evaluate(index, train, test, k, progress);
        return new EvaluationReport(metrics, seconds, index.NeighbourBytes, options);
    }

    /// <summary>Evaluates a built index; histories are the users' training items with weight 1.</summary>
    /// <param name="index">The trained index.</param>
    /// <param name="train">Training events: each user's history.</param>
    /// <param name="test">Held-out events: the truth.</param>
    /// <param name="k">Cut-off.</param>
    /// <param name="progress">Receives the number of users scored so far (for progress bars).</param>
    public static RankingMetrics Evaluate(ItemIndex index, IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, int k = 10, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Evaluate(index.Items, train, InteractionFiles.GroupByUser(test), k, (history, ranked) =>
        {
            var ones = new float[history.Length];
            Array.Fill(ones, 1f);
            return index.RecommendCore(history, ones, ranked.Length, null, excludeSeen: true, fallback: true, ranked, new float[ranked.Length], new RecommendationSource[ranked.Length]);
        }, progress);
    }

    /// <summary>Evaluates a hybrid recommender under one strategy, by the same protocol.</summary>
    public static RankingMetrics Evaluate(HybridRecommender recommender, RecommendationStrategy strategy, IReadOnlyList<InteractionEvent> train, IReadOnlyList<InteractionEvent> test, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        return Evaluate(recommender.Items, train, InteractionFiles.GroupByUser(test), k, Ranker(recommender, strategy, null), null);
    }

    /// <summary>A ranker over a hybrid's union ids: training items weigh 1, popularity fills, <paramref name="allowed"/> restricts candidates.</summary>
    internal static Func<int[], int[], int> Ranker(HybridRecommender recommender, RecommendationStrategy strategy, byte[]? allowed) => (history, ranked) =>
    {
        var ones = new float[history.Length];
        Array.Fill(ones, 1f);
        return recommender.RecommendCore(history, ones, ranked.Length, null, allowed, excludeSeen: true, fallback: allowed is null, strategy,
            ranked, new float[ranked.Length], new RecommendationSource[ranked.Length]);
    };

    /// <summary>
    /// The protocol over any ranker: each user of <paramref name="truth"/> with a training history gets the top
    /// <paramref name="k"/> of <c>rank(distinct training items, output)</c>, scored by <see cref="RankingEvaluator"/>.
    /// </summary>
    internal static RankingMetrics Evaluate(IdMap items, IReadOnlyList<InteractionEvent> train, Dictionary<string, HashSet<string>> truth, int k, Func<int[], int[], int> rank, IProgress<int>? progress)
    {
        var (byUser, catalogue) = Predict(items, train, truth.Keys, k, rank, progress);
        return RankingEvaluator.Evaluate(truth, byUser, k, catalogue);
    }

    /// <summary>
    /// The top <paramref name="k"/> of <c>rank(distinct training items, output)</c> for each of <paramref name="users"/>
    /// with a training history, and the number of distinct training items (the coverage denominator). One ranking can
    /// then be scored against several truths.
    /// </summary>
    internal static (Dictionary<string, IReadOnlyList<string>> Predictions, int TrainItems) Predict(IdMap items, IReadOnlyList<InteractionEvent> train, IEnumerable<string> users, int k,
        Func<int[], int[], int> rank, IProgress<int>? progress)
    {
        var histories = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var trainItems = new HashSet<int>();
        foreach (var e in train)
        {
            if (!items.TryGetIndex(e.ItemId, out int item))
            {
                continue;
            }

            if (!histories.TryGetValue(e.UserId, out var list))
            {
                histories[e.UserId] = list = [];
            }

            list.Add(item);
            trainItems.Add(item);
        }

        var scored = users.Where(histories.ContainsKey).ToArray();
        var predictions = new IReadOnlyList<string>[scored.Length];
        int done = 0;
        Parallel.For(0, scored.Length, () => new int[k], (u, _, buffer) =>
        {
            int n = rank([.. histories[scored[u]].Distinct()], buffer);
            var ranked = new string[n];
            for (int r = 0; r < n; r++)
            {
                ranked[r] = items[buffer[r]];
            }

            predictions[u] = ranked;
            int now = Interlocked.Increment(ref done);
            if (progress is not null && (now % 100 == 0 || now == scored.Length))
            {
                progress.Report(now);
            }

            return buffer;
        }, _ => { });
        var byUser = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (int u = 0; u < scored.Length; u++)
        {
            byUser[scored[u]] = predictions[u];
        }

        return (byUser, trainItems.Count);
    }
}
