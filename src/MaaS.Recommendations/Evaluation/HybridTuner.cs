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
/// from the training events (seeded), then (by default) a seeded 10% of the remaining items is held out of the fit
/// entirely, as <see cref="ColdItemProtocol"/> does, so the validation truth holds both warm and brand-new items; both
/// indexes are fitted on the rest once, every (β, α) is scored by nDCG on the validation events, and the test split is
/// never read. Stateless.
/// </summary>
public static class HybridTuner
{
    /// <summary>Every trial, best (highest validation nDCG, then MAP, then smaller β and α) first.</summary>
    public static IReadOnlyList<HybridTrial> Tune(IReadOnlyList<InteractionEvent> train, IReadOnlyList<ContentItem> catalogue, IndexBuildOptions cf, IEnumerable<HybridOptions>? grid = null,
        ContentOptions? content = null, double trainRatio = 0.75, int seed = 42, int k = 10, double coldShare = 0.1)
    {
        var (fit, validation) = StratifiedSplit.Split(train, trainRatio, seed);
        if (coldShare > 0)
        {
            // New items are part of the question: a share of the fitted items is held out of the fit entirely.
            var cold = ColdItemProtocol.Split(fit, validation, coldShare, seed);
            (fit, validation) = (cold.Train, cold.Test);
        }

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
    /// <paramref name="tolerance"/> are ties (noise: the standard error over ~900 users is several times larger).
    /// Among the trials within it of the best, the one that gives new items the most exposure wins: most new-item
    /// slots, then the smallest β (CF as soon as an item has evidence), then the largest α.
    /// </summary>
    public static HybridTrial Choose(IReadOnlyList<HybridTrial> trials, double tolerance = 0.001)
    {
        ArgumentNullException.ThrowIfNull(trials);
        double bar = trials.Max(t => t.Validation.Ndcg) - tolerance;
        return trials.Where(t => t.Validation.Ndcg >= bar)
            .OrderByDescending(t => t.Options.NewItemSlots).ThenBy(t => t.Options.Beta).ThenByDescending(t => t.Options.ContentWeight).First();
    }
}
