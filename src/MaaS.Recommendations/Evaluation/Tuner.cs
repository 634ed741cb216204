namespace MaaS.Recommendations.Evaluation;

/// <summary>One configuration tried during tuning and its validation metrics.</summary>
/// <param name="Options">The configuration.</param>
/// <param name="Validation">Metrics on the validation split.</param>
public sealed record TuningTrial(IndexBuildOptions Options, RankingMetrics Validation);

/// <summary>All trials, best (highest validation nDCG, then MAP) first.</summary>
/// <param name="Trials">Every trial, best first.</param>
/// <param name="Seed">Seed of the validation split.</param>
/// <param name="TrainRatio">Share of each user's training events kept for fitting.</param>
public sealed record TuningReport(IReadOnlyList<TuningTrial> Trials, int Seed, double TrainRatio)
{
    /// <summary>The winning trial.</summary>
    public TuningTrial Best => Trials[0];
}

/// <summary>
/// Honest tuning: a validation split is carved from the training events only (per-user stratified, seeded), every
/// configuration is fitted on the rest and scored on it, and the test split is never read. Stateless.
/// </summary>
public static class Tuner
{
    /// <summary>
    /// The grid that chose <see cref="IndexBuildOptions.Default"/>: asymmetric cosine over binary or rating values,
    /// α × β × γ × top-k (144 configurations).
    /// </summary>
    public static IReadOnlyList<IndexBuildOptions> DefaultGrid()
    {
        var grid = new List<IndexBuildOptions>();
        foreach (var scheme in new[] { ValueScheme.Binary, ValueScheme.Rating })
        {
            foreach (float alpha in new[] { 0.7f, 0.8f, 0.9f })
            {
                foreach (float beta in new[] { 0.25f, 0.3f, 0.35f, 0.4f })
                {
                    foreach (float gamma in new[] { 0.6f, 0.75f, 1f })
                    {
                        foreach (int k in new[] { 50, 150 })
                        {
                            grid.Add(new IndexBuildOptions(
                                new WeightingOptions(scheme),
                                new SimilarityOptions(SimilarityMeasure.AsymmetricCosine, Alpha: alpha, PopularityPenalty: beta, UserDegreeExponent: gamma, TopK: k)));
                        }
                    }
                }
            }
        }

        return grid;
    }

    private static readonly float[] EaseLambdas = [200f, 400f, 600f];
    private static readonly int[] EaseTopKs = [100, 400];

    /// <summary>The grid that chose <see cref="IndexBuildOptions.Ease"/>: λ × top-k.</summary>
    public static IReadOnlyList<IndexBuildOptions> EaseGrid() =>
        [.. from lambda in EaseLambdas
            from k in EaseTopKs
            select new IndexBuildOptions(new WeightingOptions(ValueScheme.Binary), new SimilarityOptions(SimilarityMeasure.Ease, EaseLambda: lambda, TopK: k))];

    /// <summary>Evaluates every configuration on a validation split of <paramref name="train"/>.</summary>
    /// <param name="train">Training events only.</param>
    /// <param name="grid">Configurations to try.</param>
    /// <param name="trainRatio">Share of each user's events kept for fitting (the rest validates).</param>
    /// <param name="seed">Split seed.</param>
    /// <param name="k">Cut-off.</param>
    /// <param name="progress">Receives the number of configurations done.</param>
    public static TuningReport Tune(IReadOnlyList<InteractionEvent> train, IEnumerable<IndexBuildOptions> grid, double trainRatio = 0.75, int seed = 42, int k = 10, IProgress<int>? progress = null)
    {
        var (fit, validation) = StratifiedSplit.Split(train, trainRatio, seed);
        var trials = new List<TuningTrial>();
        foreach (var options in grid)
        {
            var report = OfflineEvaluator.Evaluate(fit, validation, options, k);
            trials.Add(new TuningTrial(options, report.Metrics));
            progress?.Report(trials.Count);
        }

        var ordered = trials.OrderByDescending(t => t.Validation.Ndcg).ThenByDescending(t => t.Validation.Map).ToList();
        return new TuningReport(ordered, seed, trainRatio);
    }
}
