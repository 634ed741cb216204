namespace MaaS.Recommendations.Ranking;

/// <summary>Expected failures of a recommendation call (errors are values, never exceptions).</summary>
public enum RecommendationError
{
    /// <summary>Success.</summary>
    None = 0,

    /// <summary>Count was not in [1, <see cref="RecommendationRequest.MaxCount"/>].</summary>
    InvalidCount,

    /// <summary>Diversity λ was not in [0, 1].</summary>
    InvalidDiversity,

    /// <summary>Weights were given but not one per history item.</summary>
    WeightsMismatch,

    /// <summary>The item of a similar-items request is not in the index.</summary>
    UnknownItem,
}

/// <summary>Recommend for a user history or an anonymous session.</summary>
/// <param name="History">External ids of items the user interacted with (unknown ids are ignored and counted).</param>
/// <param name="Count">Number of results, 1..<see cref="MaxCount"/> (a defensive bound of the engine; a service applies its
/// own, smaller, user-facing limit before calling it).</param>
/// <param name="Weights">Optional strength per history item (same order); default 1 each.</param>
/// <param name="Filter">Optional restriction on kind / genres.</param>
/// <param name="Diversity">MMR λ in [0, 1]: 1 (or null) ranks by relevance only, lower trades relevance for variety.</param>
/// <param name="Explain">When true each result lists the history items that contributed most.</param>
/// <param name="ExcludeSeen">When true (default) history items are never recommended.</param>
/// <param name="PopularityFallback">When true (default) popular items fill what the neighbours cannot (cold users).</param>
/// <param name="Exclude">External ids never recommended and not scored, whatever <paramref name="ExcludeSeen"/> says: what the
/// user consumed before the scored history, or what the caller filters out; unknown ids are ignored.</param>
public sealed record RecommendationRequest(
    IReadOnlyList<string> History,
    int Count = 10,
    IReadOnlyList<float>? Weights = null,
    ItemFilter? Filter = null,
    float? Diversity = null,
    bool Explain = false,
    bool ExcludeSeen = true,
    bool PopularityFallback = true,
    IReadOnlyList<string>? Exclude = null)
{
    /// <summary>Largest accepted count: a guard on buffer sizes, not a product limit.</summary>
    public const int MaxCount = 1000;
}

/// <summary>The most popular items, for a page that the ranked items did not fill.</summary>
/// <param name="Exclude">External ids never returned (the history and what the page already holds); unknown ids are ignored.</param>
/// <param name="Count">Number of results, 1..<see cref="RecommendationRequest.MaxCount"/>.</param>
/// <param name="Filter">Optional restriction on kind / genres.</param>
public sealed record PopularItemsRequest(IReadOnlyList<string> Exclude, int Count = 10, ItemFilter? Filter = null);

/// <summary>Items similar to one item.</summary>
/// <param name="ItemId">External id of the anchor item.</param>
/// <param name="Count">Number of results, 1..<see cref="RecommendationRequest.MaxCount"/>.</param>
/// <param name="Filter">Optional restriction on kind / genres.</param>
public sealed record SimilarItemsRequest(string ItemId, int Count = 10, ItemFilter? Filter = null);

/// <summary>Where a result came from.</summary>
public enum RecommendationSource
{
    /// <summary>Scored from the item-item neighbour lists.</summary>
    Neighbours,

    /// <summary>Filled from the popularity ranking (cold user or too few neighbours).</summary>
    Popularity,

    /// <summary>Scored mostly from content similarity (genres, tags, kind, text) to the history.</summary>
    Content,
}

/// <summary>A history item's share of a result's score.</summary>
/// <param name="ItemId">The history item.</param>
/// <param name="Value">history weight × similarity, in score units.</param>
public sealed record Contribution(string ItemId, float Value);

/// <summary>One recommended item.</summary>
/// <param name="ItemId">External item id.</param>
/// <param name="Score">Relevance (neighbour score, or popularity for fallback items); comparable within one response.</param>
/// <param name="Source">Neighbours (collaborative), content or popularity.</param>
/// <param name="Because">Top contributing history items when explanations were asked for; otherwise empty.</param>
public sealed record RecommendedItem(string ItemId, float Score, RecommendationSource Source, IReadOnlyList<Contribution> Because);

/// <summary>The outcome of a recommendation call.</summary>
/// <param name="Error">None on success.</param>
/// <param name="Items">Results, best first (empty on error).</param>
/// <param name="UnknownHistoryItems">How many history ids the index did not know.</param>
public sealed record RecommendationResult(RecommendationError Error, IReadOnlyList<RecommendedItem> Items, int UnknownHistoryItems = 0)
{
    internal static RecommendationResult Fail(RecommendationError error) => new(error, []);
}
