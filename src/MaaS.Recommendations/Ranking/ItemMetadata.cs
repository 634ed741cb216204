namespace MaaS.Recommendations.Ranking;

/// <summary>What kind of entertainment an item is.</summary>
public enum ItemKind : byte
{
    /// <summary>Not known (filters on kind never match it).</summary>
    Unknown = 0,

    /// <summary>A film or episode.</summary>
    Movie = 1,

    /// <summary>A track.</summary>
    Song = 2,

    /// <summary>A game.</summary>
    Game = 3,
}

/// <summary>Catalogue attributes of one item, used by filters.</summary>
/// <param name="ItemId">External item id.</param>
/// <param name="Kind">Movie, song or game.</param>
/// <param name="Genres">Genre names (case-insensitive); at most 64 distinct genres per index.</param>
public sealed record ItemMetadata(string ItemId, ItemKind Kind, IReadOnlyList<string> Genres);

/// <summary>Restricts results to items of a kind and/or any of some genres; null members do not filter.</summary>
/// <param name="Kind">Only items of this kind.</param>
/// <param name="Genres">Only items having at least one of these genres.</param>
public sealed record ItemFilter(ItemKind? Kind = null, IReadOnlyList<string>? Genres = null);
