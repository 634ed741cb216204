namespace MaaS.Storage.Abstractions;

/// <summary>The latest change of one catalogue item, as the change feed (<see cref="ICatalogStore.GetChangesAsync"/>) gives it.</summary>
/// <param name="Sequence">
/// The change's position in the feed: larger for every later commit, across all tenants. An item changed again gets a
/// new, larger sequence that replaces its earlier one, so the feed holds one entry per item ever written.
/// </param>
/// <param name="ItemId">The item.</param>
/// <param name="Item">The item as stored when the feed was read; null when it was deleted.</param>
public sealed record CatalogChange(long Sequence, string ItemId, CatalogItem? Item)
{
    public bool IsDeletion => Item is null;
}
