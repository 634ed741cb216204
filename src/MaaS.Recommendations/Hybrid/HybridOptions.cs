namespace MaaS.Recommendations.Hybrid;

/// <summary>
/// How collaborative (CF) and content scores are blended. For a candidate item i with n_i interactions in the CF
/// build, score(i) = w(i) · cf(i) / max cf + α · (1 − w(i)) · content(i) / max content, with w(i) = n_i / (n_i + β):
/// an item nobody has touched is ranked by content alone, and the weight moves to CF as it gathers interactions
/// (at n_i = β the two halves are weighted alike). Each score is divided by its largest value among the request's
/// candidates, so both lie in [0, 1] whatever their units; α caps how far content can lift an item. A request with
/// no CF evidence at all (every history item new to the CF build, e.g. more-like-this of a new item) is ranked by
/// content alone. Then up to <see cref="NewItemSlots"/> of the last positions go to the best-scoring items with no
/// interactions at all (n_i = 0) when none made the page on score and their content score is at least
/// <see cref="NewItemMinRelevance"/> of the request's best: a new item competes by content but is never starved of
/// exposure by established ones.
/// </summary>
/// <param name="Beta">β, in interactions; 0 gives any item with an interaction pure CF. The defaults (β = 0, α = 0.2,
/// one new-item slot) are what <see cref="Evaluation.HybridTuner.Order"/> picks on three validation folds carved from
/// the ml-100k training split, each scored warm (no item held out) and with 10% of items held out as new
/// (<c>maas evaluate --protocol hybrid --tune</c>). The slot is a product requirement (a PUT item is recommendable at
/// once), not tuned. Against the reference β = 0, α = 0.1, one slot, no β &gt; 0 improved warm validation nDCG
/// measurably (the largest warm gains, β = 1–2 with α = 0.1, have z ≈ +1.0–1.2) and α ≥ 0.3 at β = 0 made it measurably worse, so the admitted blends are β = 0 with
/// α ∈ {0.1, 0.2}; α = 0.2 brings more held-out items to the users who consume them.</param>
/// <param name="ContentWeight">α in (0, 1]: the content half's scale.</param>
/// <param name="NewItemSlots">Positions at the end of a page reserved for items without interactions (0 turns it off).</param>
public sealed record HybridOptions(float Beta = HybridOptions.DefaultBeta, float ContentWeight = HybridOptions.DefaultContentWeight, int NewItemSlots = HybridOptions.DefaultNewItemSlots)
{
    /// <summary>Least content(i) / max content for a new item to take a reserved slot (a fixed guard, not tuned: on the
    /// demo catalogue it keeps items that share only the kind or a title word out).</summary>
    public const float NewItemMinRelevance = 0.25f;

    /// <summary>The number of new-item slots: <see cref="Evaluation.HybridTuner.RequiredNewItemSlots"/>, a product requirement.</summary>
    public const int DefaultNewItemSlots = Evaluation.HybridTuner.RequiredNewItemSlots;

    /// <summary>The tuned β.</summary>
    public const float DefaultBeta = 0f;

    /// <summary>The tuned α.</summary>
    public const float DefaultContentWeight = 0.2f;

    /// <summary>The tuned defaults.</summary>
    public static HybridOptions Default { get; } = new();

    /// <summary>The CF weight w = n / (n + β) of an item with <paramref name="interactions"/> interactions (0 when both are 0).</summary>
    public float CfWeight(float interactions) => interactions <= 0f ? 0f : interactions / (interactions + Math.Max(0f, Beta));

    /// <summary>The grid the defaults were chosen from: β × α × new-item slots (the rule admits only blends with the required slot; the others are scored to show what a slot costs).</summary>
    public static IReadOnlyList<HybridOptions> TuningGrid { get; } =
        [.. from beta in new[] { 0f, 1f, 2f, 5f, 10f, 20f, 50f }
            from alpha in new[] { 0.1f, 0.2f, 0.3f, 0.5f, 0.7f, 1f }
            from slots in new[] { 0, 1, 2 }
            select new HybridOptions(beta, alpha, slots)];
}
