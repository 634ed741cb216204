namespace MaaS.Recommendations;

/// <summary>Everything that shapes a trained <see cref="ItemIndex"/>.</summary>
/// <param name="Weighting">How events become matrix values.</param>
/// <param name="Similarity">How co-occurrence becomes neighbour weights.</param>
/// <param name="Precision">Storage of neighbour weights.</param>
/// <param name="PopularityHalfLifeSeconds">When set, the popularity fallback counts each event with weight
/// 0.5^(age / half-life), age measured from the newest event.</param>
public sealed record IndexBuildOptions(
    WeightingOptions Weighting,
    SimilarityOptions Similarity,
    WeightPrecision Precision = WeightPrecision.Float32,
    double? PopularityHalfLifeSeconds = null)
{
    /// <summary>
    /// The library default, chosen on a validation split carved from the ml-100k training split (never its test split;
    /// <c>maas evaluate --tune</c> repeats the search): RP3beta-like asymmetric cosine over rating values, α = 0.8,
    /// popularity penalty β = 0.3, per-user normalisation γ = 0.75, 150 neighbours. Chosen among configurations that
    /// build sparsely (scales to catalogues EASE cannot hold).
    /// </summary>
    public static IndexBuildOptions Default { get; } = new(
        new WeightingOptions(ValueScheme.Rating),
        new SimilarityOptions(SimilarityMeasure.AsymmetricCosine, Alpha: 0.8f, PopularityPenalty: 0.3f, UserDegreeExponent: 0.75f, TopK: 150));

    /// <summary>
    /// The EASE preset (λ = 400, 400 neighbours, chosen on the same validation split): more accurate on small
    /// catalogues, but a dense items² inverse (about 0.5 s for 1,682 items) and refused above
    /// <see cref="SimilarityOptions.MaxDenseItems"/> items.
    /// </summary>
    public static IndexBuildOptions Ease { get; } = new(
        new WeightingOptions(ValueScheme.Binary),
        new SimilarityOptions(SimilarityMeasure.Ease, EaseLambda: 400f, TopK: 400));

    /// <summary>SAR-like Jaccard similarity over binary co-occurrence (a baseline).</summary>
    public static IndexBuildOptions SarJaccard { get; } = new(
        new WeightingOptions(ValueScheme.Binary),
        new SimilarityOptions(SimilarityMeasure.Jaccard, TopK: 100));

    /// <summary>Looks a preset up by name (default, ease, sar-jaccard), case-insensitive.</summary>
    public static IndexBuildOptions? Preset(string name) => name.ToLowerInvariant() switch
    {
        "default" => Default,
        "ease" => Ease,
        "sar-jaccard" => SarJaccard,
        _ => null,
    };
}
