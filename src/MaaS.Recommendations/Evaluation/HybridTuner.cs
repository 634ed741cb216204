using MaaS.Recommendations.Content;
using MaaS.Recommendations.Hybrid;
using MaaS.Recommendations.Interactions;

namespace MaaS.Recommendations.Evaluation;

/// <summary>One blend tried during tuning and its validation metrics.</summary>
/// <param name="Options">The blend.</param>
/// <param name="Validation">Hybrid metrics on the validation split.</param>
public sealed record HybridTrial(HybridOptions Options, RankingMetrics Validation);

/// <summary>
/// Chooses the blend the way <see cref="Tuner"/> chooses CF options: a per-user stratified validation split is carved
/// from the training events (seeded), both indexes are fitted on the rest once, every (β, α) is scored on it, and the test
/// split is never read. Stateless.
/// </summary>
public static class HybridTuner
{
    /// <summary>Every trial, best (highest validation nDCG, then MAP, then smaller β and α) first.</summary>
    public static IReadOnlyList<HybridTrial> Tune(IReadOnlyList<InteractionEvent> train, IReadOnlyList<ContentItem> catalogue, IndexBuildOptions cf, IEnumerable<HybridOptions>? grid = null,
        ContentOptions? content = null, double trainRatio = 0.75, int seed = 42, int k = 10)
    {
        var (fit, validation) = StratifiedSplit.Split(train, trainRatio, seed);
        var cfIndex = ItemIndex.Build(fit, cf);
        var contentIndex = ContentIndex.Build(catalogue, content);
        var counts = ColdItemProtocol.Counts(fit);
        var trials = new List<HybridTrial>();
        foreach (var options in grid ?? HybridOptions.TuningGrid)
        {
            var recommender = new HybridRecommender(cfIndex, contentIndex, counts, options);
            trials.Add(new HybridTrial(options, OfflineEvaluator.Evaluate(recommender, RecommendationStrategy.Hybrid, fit, validation, k)));
        }

        return [.. trials.OrderByDescending(t => t.Validation.Ndcg).ThenByDescending(t => t.Validation.Map).ThenBy(t => t.Options.Beta).ThenBy(t => t.Options.ContentWeight)];
    }

    /// <summary>
    /// The selection rule behind <see cref="HybridOptions.Default"/>: validation nDCG differences below
    /// <paramref name="tolerance"/> are ties (noise: the standard error over ~900 users is several times larger);
    /// among the trials within it of the best, the smallest β (CF wherever an item has evidence), then the largest α
    /// (most content for items without any).
    /// </summary>
    public static HybridTrial Choose(IReadOnlyList<HybridTrial> trials, double tolerance = 0.001)
    {
        ArgumentNullException.ThrowIfNull(trials);
        double bar = trials.Max(t => t.Validation.Ndcg) - tolerance;
        return trials.Where(t => t.Validation.Ndcg >= bar).OrderBy(t => t.Options.Beta).ThenByDescending(t => t.Options.ContentWeight).First();
    }
}
