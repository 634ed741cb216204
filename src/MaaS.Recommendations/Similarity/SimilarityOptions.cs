namespace MaaS.Recommendations.Similarity;

/// <summary>How co-occurrence becomes item-item similarity.</summary>
public enum SimilarityMeasure
{
    /// <summary>co(i,j) / (|i| |j|) with |i| = sqrt(sum of squared values).</summary>
    Cosine,

    /// <summary>co(i,j) / (|i|^(2α) |j|^(2(1-α)) |j|^(2β)): α = 0.5, β = 0 is cosine; α = 1, γ = 1 is RP3beta's walk.</summary>
    AsymmetricCosine,

    /// <summary>co(i,j) / (c_i + c_j - co(i,j)) with c = sum of values (SAR's Jaccard).</summary>
    Jaccard,

    /// <summary>co(i,j) / (c_i c_j) (SAR's lift).</summary>
    Lift,

    /// <summary>Raw co-occurrence (dot product), as <c>implicit</c>'s BM25 / TF-IDF recommenders score.</summary>
    Cooccurrence,

    /// <summary>EASE: B = I - P / diag(P), P = (XᵀX + λI)⁻¹, then top-k per row. Dense in items; capped at
    /// <see cref="SimilarityOptions.MaxDenseItems"/>.</summary>
    Ease,
}

/// <summary>Parameters of the item-item similarity build.</summary>
/// <param name="Measure">The similarity measure.</param>
/// <param name="Alpha">Asymmetric cosine α (weight of the source item's norm).</param>
/// <param name="PopularityPenalty">β: extra division by the target item's norm^(2β) (RP3beta's popularity term).</param>
/// <param name="UserDegreeExponent">γ: each user's contribution to co-occurrence is divided by (items of the user)^γ.</param>
/// <param name="Shrinkage">Added to every denominator; damps similarities backed by few users.</param>
/// <param name="Locality">q: similarities are raised to this power after normalisation (q &gt; 1 sharpens).</param>
/// <param name="TopK">Neighbours kept per item.</param>
/// <param name="NormalizeRows">When true each kept neighbour row is scaled to sum 1, so every history item casts
/// the same total vote.</param>
/// <param name="EaseLambda">EASE's L2 regularisation λ.</param>
/// <param name="MaxDegreeOfParallelism">Threads for the build; -1 uses all cores.</param>
public sealed record SimilarityOptions(
    SimilarityMeasure Measure = SimilarityMeasure.AsymmetricCosine,
    float Alpha = 0.5f,
    float PopularityPenalty = 0f,
    float UserDegreeExponent = 0f,
    float Shrinkage = 0f,
    float Locality = 1f,
    int TopK = 100,
    bool NormalizeRows = false,
    float EaseLambda = 500f,
    int MaxDegreeOfParallelism = -1)
{
    /// <summary>Largest catalogue EASE accepts (a dense items² float matrix: 20,000 items is 1.6 GB).</summary>
    public const int MaxDenseItems = 20_000;
}
