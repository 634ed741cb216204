using System.Diagnostics;
using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Ranking;

namespace MaaS.Recommendations.Evaluation;

/// <summary>A metrics table plus what it cost.</summary>
/// <param name="Metrics">Ranking metrics at K.</param>
/// <param name="BuildSeconds">Wall time of the index build, in seconds.</param>
/// <param name="NeighbourBytes">Size of neighbour ids + weights.</param>
/// <param name="Options">The options evaluated.</param>
public sealed record EvaluationReport(RankingMetrics Metrics, double BuildSeconds, long NeighbourBytes, IndexBuildOptions Options);

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
        var histories = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var trainItems = new HashSet<int>();
        foreach (var e in train)
        {
            if (!index.TryGetItemIndex(e.ItemId, out int item))
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

        var truth = InteractionFiles.GroupByUser(test);
        var users = truth.Keys.Where(histories.ContainsKey).ToArray();
        var predictions = new IReadOnlyList<string>[users.Length];
        int done = 0;
        Parallel.For(0, users.Length, () => (new int[k], new float[k], new RecommendationSource[k]), (u, _, buffers) =>
        {
            var history = histories[users[u]].Distinct().ToArray();
            var ones = new float[history.Length];
            Array.Fill(ones, 1f);
            int n = index.RecommendCore(history, ones, k, null, excludeSeen: true, fallback: true, buffers.Item1, buffers.Item2, buffers.Item3);
            var ranked = new string[n];
            for (int r = 0; r < n; r++)
            {
                ranked[r] = index.Items[buffers.Item1[r]];
            }

            predictions[u] = ranked;
            int now = Interlocked.Increment(ref done);
            if (progress is not null && (now % 100 == 0 || now == users.Length))
            {
                progress.Report(now);
            }

            return buffers;
        }, _ => { });
        var byUser = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (int u = 0; u < users.Length; u++)
        {
            byUser[users[u]] = predictions[u];
        }

        return RankingEvaluator.Evaluate(truth, byUser, k, trainItems.Count);
    }
}
