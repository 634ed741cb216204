namespace MaaS.Recommendations.Interactions;

/// <summary>How an event's value becomes a matrix entry.</summary>
public enum ValueScheme
{
    /// <summary>Every (user, item) pair counts 1, however often it was seen.</summary>
    Binary,

    /// <summary>The event value (summed over repeated events, as SAR does).</summary>
    Rating,
}

/// <summary>Re-weighting of the whole matrix after values are set, as the <c>implicit</c> library does it
/// (items are the documents, users the terms).</summary>
public enum Reweighting
{
    /// <summary>Values as they are.</summary>
    None,

    /// <summary>Okapi BM25 with <see cref="WeightingOptions.Bm25K1"/> and <see cref="WeightingOptions.Bm25B"/>.</summary>
    Bm25,

    /// <summary>sqrt(value) times the user's inverse document frequency.</summary>
    TfIdf,
}

/// <summary>Turns events into matrix values.</summary>
/// <param name="Scheme">Binary or rating values.</param>
/// <param name="HalfLifeSeconds">When set, each event is multiplied by 0.5^((newest - t) / half-life).</param>
/// <param name="Reweighting">Optional BM25 / TF-IDF re-weighting.</param>
/// <param name="Bm25K1">BM25 K1 (implicit's default 100).</param>
/// <param name="Bm25B">BM25 B (implicit's default 0.8).</param>
public sealed record WeightingOptions(
    ValueScheme Scheme = ValueScheme.Binary,
    double? HalfLifeSeconds = null,
    Reweighting Reweighting = Reweighting.None,
    float Bm25K1 = 100f,
    float Bm25B = 0.8f);
