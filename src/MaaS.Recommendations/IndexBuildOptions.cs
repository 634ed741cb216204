using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Ranking;
using MaaS.Recommendations.Similarity;

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
    /// The library default, tuned on a validation split carved from the ml-100k training split (never on its test
    /// split; see <c>maas evaluate --tune</c>): RP3beta-like asymmetric cosine with per-user normalisation.
    /// </summary>
    public static IndexBuildOptions Default { get; } = new(
        new WeightingOptions(ValueScheme.Binary),
        new SimilarityOptions(SimilarityMeasure.AsymmetricCosine, Alpha: 0.5f, PopularityPenalty: 0f, UserDegreeExponent: 0f, Shrinkage: 0f, Locality: 1f, TopK: 100));
}
