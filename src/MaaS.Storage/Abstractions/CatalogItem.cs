namespace MaaS.Storage.Abstractions;

/// <summary>What kind of media an item is.</summary>
public enum ItemKind
{
    Movie,
    Song,
    Game,
}

/// <summary>An entry of a tenant's item catalogue.</summary>
/// <param name="ItemId">Id unique per tenant, at most <see cref="StorageLimits.MaxIdLength"/> characters.</param>
/// <param name="Kind">Movie, song or game.</param>
/// <param name="Title">Display title; not empty.</param>
/// <param name="Genres">Genre names, in the order given; never null (use an empty list).</param>
/// <param name="Tags">Free-form tags; never null (use an empty list).</param>
/// <param name="Text">Optional description used by text models.</param>
/// <param name="AvailableFrom">First day the item may be recommended (inclusive), or null for always.</param>
/// <param name="AvailableUntil">Last day the item may be recommended (inclusive), or null for no end.</param>
/// <remarks>
/// Record equality compares <see cref="Genres"/> and <see cref="Tags"/> by reference; compare them with
/// <see cref="Enumerable.SequenceEqual{TSource}(IEnumerable{TSource}, IEnumerable{TSource})"/> where content matters.
/// </remarks>
public sealed record CatalogItem(
    string ItemId,
    ItemKind Kind,
    string Title,
    IReadOnlyList<string> Genres,
    IReadOnlyList<string> Tags,
    string? Text = null,
    DateOnly? AvailableFrom = null,
    DateOnly? AvailableUntil = null)
{
    /// <summary>Whether the item may be shown on <paramref name="day"/> (both window ends inclusive).</summary>
    public bool IsAvailableOn(DateOnly day) =>
        (AvailableFrom is null || AvailableFrom.Value <= day) && (AvailableUntil is null || day <= AvailableUntil.Value);
}
