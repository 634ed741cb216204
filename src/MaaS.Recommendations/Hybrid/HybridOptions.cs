namespace MaaS.Recommendations.Hybrid;

/// <summary>
/// How collaborative (CF) and content scores are blended. For a candidate item i with n_i interactions in the CF
/// build, score(i) = w(i) · cf(i) / max cf + α · (1 − w(i)) · content(i) / max content, with w(i) = n_i / (n_i + β):
/// an item nobody has touched is ranked by content alone, and the weight moves to CF as it gathers interactions
/// (at n_i = β the two halves are weighted alike). Each score is divided by its largest value among the request's
/// candidates, so both lie in [0, 1] whatever their units; α caps how far content can lift an item.
/// </summary>
/// <param name="Beta">β, in interactions; 0 gives any item with an interaction pure CF. The defaults (β = 0, α = 0.2)
/// were chosen on a validation split carved from the ml-100k training split by <see cref="Evaluation.HybridTuner.Choose"/>
/// (<c>maas evaluate --protocol hybrid --tune</c>): every β &gt; 5 lost validation nDCG, and on ml-100k content only
/// helps items the CF build has not seen.</param>
/// <param name="ContentWeight">α in (0, 1]: the content half's scale.</param>
public sealed record HybridOptions(float Beta = HybridOptions.DefaultBeta, float ContentWeight = HybridOptions.DefaultContentWeight)
{
    /// <summary>The tuned β.</summary>
    public const float DefaultBeta = 0f;

    /// <summary>The tuned α.</summary>
    public const float DefaultContentWeight = 0.2f;

    /// <summary>The tuned defaults.</summary>
    public static HybridOptions Default { get; } = new();

    /// <summary>The CF weight w = n / (n + β) of an item with <paramref name="interactions"/> interactions (0 when both are 0).</summary>
    public float CfWeight(float interactions) => interactions <= 0f ? 0f : interactions / (interactions + Math.Max(0f, Beta));

    /// <summary>The grid the defaults were chosen from: β × α.</summary>
    public static IReadOnlyList<HybridOptions> TuningGrid { get; } =
        [.. from beta in new[] { 0f, 1f, 2f, 5f, 10f, 20f, 50f, 100f }
            from alpha in new[] { 0.05f, 0.1f, 0.2f, 0.5f, 1f }
            select new HybridOptions(beta, alpha)];
}
