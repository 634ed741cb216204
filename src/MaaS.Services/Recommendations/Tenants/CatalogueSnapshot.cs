using System.Collections.Immutable;
using MaaS.Recommendations.Content;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Storage.Abstractions;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// One version of a tenant's catalogue as serving sees it: the items (filters on items the CF index has not seen,
/// metadata and reasons in responses, availability windows) and the content index built from exactly those items.
/// Immutable; a change makes a new snapshot that <see cref="TenantState"/> swaps in whole, so one request reads items
/// and content of the same version. Thread-safe.
/// </summary>
internal sealed class CatalogueSnapshot
{
    // A reference, not a tuple: readers must never see one day's date with another day's ids.
    private volatile Unavailable? _unavailable;

    private CatalogueSnapshot(ImmutableDictionary<string, CatalogItem> items, ContentIndex? content)
    {
        Items = items;
        Content = content;
    }

    /// <summary>Before the first load: no items, no content index.</summary>
    public static CatalogueSnapshot Empty { get; } = new(ImmutableDictionary.Create<string, CatalogItem>(StringComparer.Ordinal), null);

    /// <summary>Every catalogued item by id.</summary>
    public ImmutableDictionary<string, CatalogItem> Items { get; }

    /// <summary>The content index over <see cref="Items"/> (null only in <see cref="Empty"/>).</summary>
    public ContentIndex? Content { get; }

    public CatalogItem? Find(string itemId) => Items.GetValueOrDefault(itemId);

    /// <summary>Ids of items outside their availability window on <paramref name="day"/>, computed once per day and snapshot.</summary>
    public string[] UnavailableOn(DateOnly day)
    {
        if (_unavailable is { } cached && cached.Day == day)
        {
            return cached.Ids;
        }

        var ids = new List<string>();
        foreach (var (id, item) in Items)
        {
            if (!item.IsAvailableOn(day))
            {
                ids.Add(id);
            }
        }

        // Two readers may compute the same day at once; both results are equal and the last one is kept.
        var computed = new Unavailable(day, [.. ids]);
        _unavailable = computed;
        return computed.Ids;
    }

    /// <summary>This catalogue with <paramref name="items"/> added or replaced, and its content index rebuilt from the
    /// whole result (fresh IDF, every row refilled).</summary>
    public CatalogueSnapshot Rebuilt(IEnumerable<CatalogItem> items, CatalogueFeatures features)
    {
        var merged = Items.SetItems(items.Select(i => KeyValuePair.Create(i.ItemId, i)));
        return new CatalogueSnapshot(merged, ContentIndex.Build([.. merged.Values.Select(features.Of)]));
    }

    /// <summary>This catalogue with <paramref name="items"/> added or replaced and merged into the content index (their
    /// featurised form given, so the caller can featurise outside any lock).</summary>
    public CatalogueSnapshot Upserted(IReadOnlyList<CatalogItem> items, IReadOnlyList<ContentItem> featurised, CatalogueFeatures features)
    {
        if (Content is null)
        {
            return Rebuilt(items, features);
        }

        var merged = Items.SetItems(items.Select(i => KeyValuePair.Create(i.ItemId, i)));
        return new CatalogueSnapshot(merged, Content.WithItems(featurised));
    }

    private sealed record Unavailable(DateOnly Day, string[] Ids);
}
