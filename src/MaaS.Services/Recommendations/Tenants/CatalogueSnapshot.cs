using System.Collections.Immutable;
using System.Numerics.Tensors;
using MaaS.Services.Search;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// One version of a tenant's catalogue as serving sees it: the items (filters on items the CF index has not seen,
/// metadata and reasons in responses, availability windows), the content index built from exactly those items, the
/// ids deleted from the catalogue, and the change-feed sequence it reflects. Immutable; a change makes a new snapshot
/// that <see cref="TenantState"/> swaps in whole, so one request reads items and content of the same version.
/// Thread-safe.
/// </summary>
internal sealed class CatalogueSnapshot
{
    private static readonly ImmutableHashSet<string> NoIds = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    private static readonly ImmutableDictionary<string, Half[]> NoVectors = ImmutableDictionary.Create<string, Half[]>(StringComparer.Ordinal);

    // References, not tuples: readers must never see one day's date with another day's ids.
    private volatile DayIds? _unavailable;
    private volatile DayIds? _released;
    private volatile Withdrawn? _withdrawn;

    // Per item, the fp16 vector (by reference) its content entry is known to hold, widened: WithEmbeddings widens and
    // compares only items whose vector is another array than this. A cache of facts about Content, so it is carried to
    // a snapshot with the same entries and grows on this one when a merge finds nothing to change.
    private volatile ImmutableDictionary<string, Half[]> _merged;

    private CatalogueSnapshot(
        ImmutableDictionary<string, CatalogItem> items, ContentIndex? content, ImmutableHashSet<string> deleted, long sequence, ImmutableDictionary<string, Half[]>? merged = null)
    {
        Items = items;
        Content = content;
        Deleted = deleted;
        Sequence = sequence;
        _merged = merged ?? NoVectors;
    }

    /// <summary>Before the first load: no items, no content index.</summary>
    public static CatalogueSnapshot Empty { get; } = new(ImmutableDictionary.Create<string, CatalogItem>(StringComparer.Ordinal), null, NoIds, 0);

    /// <summary>Every catalogued item by id.</summary>
    public ImmutableDictionary<string, CatalogItem> Items { get; }

    /// <summary>The content index over <see cref="Items"/> (null only in <see cref="Empty"/>).</summary>
    public ContentIndex? Content { get; }

    /// <summary>Ids deleted from the catalogue (and not written since): never offered, even by a CF index that still holds them.</summary>
    public ImmutableHashSet<string> Deleted { get; }

    /// <summary>The last change-feed sequence applied (0 before any).</summary>
    public long Sequence { get; }

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
        var computed = new DayIds(day, [.. ids]);
        _unavailable = computed;
        return computed.Ids;
    }

    /// <summary>
    /// Ids of the items released by <paramref name="day"/> and available on it, newest release (<c>availableFrom</c>)
    /// first, then by id; items without a release date are not listed. Computed once per day and snapshot.
    /// </summary>
    public string[] ReleasedBy(DateOnly day)
    {
        if (_released is { } cached && cached.Day == day)
        {
            return cached.Ids;
        }

        var released = new List<CatalogItem>();
        foreach (var item in Items.Values)
        {
            if (item.AvailableFrom is not null && item.IsAvailableOn(day))
            {
                released.Add(item);
            }
        }

        released.Sort(static (a, b) => a.AvailableFrom != b.AvailableFrom ? b.AvailableFrom!.Value.CompareTo(a.AvailableFrom!.Value) : string.CompareOrdinal(a.ItemId, b.ItemId));
        var computed = new DayIds(day, [.. released.Select(i => i.ItemId)]);
        _released = computed;
        return computed.Ids;
    }

    /// <summary>
    /// Deleted ids that <paramref name="index"/> still holds (it was built before the deletion), computed once per index
    /// and snapshot: the exclusions a request needs. Empty once a build has run after the deletions.
    /// </summary>
    public string[] WithdrawnFrom(ItemIndex? index)
    {
        if (index is null || Deleted.IsEmpty)
        {
            return [];
        }

        if (_withdrawn is { } cached && ReferenceEquals(cached.Index, index))
        {
            return cached.Ids;
        }

        var computed = new Withdrawn(index, [.. Deleted.Where(id => index.TryGetItemIndex(id, out _))]);
        _withdrawn = computed;
        return computed.Ids;
    }

    /// <summary>
    /// This catalogue with <paramref name="changes"/> applied: upserted items replace or join, deleted ones leave, and
    /// the content index is merged incrementally or, on the first load (no content index yet), built whole.
    /// </summary>
    public CatalogueSnapshot Applied(CatalogueChanges changes, CatalogueFeatures features)
    {
        var items = Items.SetItems(changes.Upserted.Select(i => KeyValuePair.Create(i.ItemId, i))).RemoveRange(changes.Deleted);
        var deleted = Deleted.Except(changes.Upserted.Select(i => i.ItemId)).Union(changes.Deleted);
        var content = Content is null ? Build(items, features, null) : Content.WithItems(KeepEmbeddings(changes)).WithoutItems(changes.Deleted);
        // Upserted entries may have lost their vector (a new text): they are compared by value again.
        var merged = _merged.RemoveRange(changes.Deleted).RemoveRange(changes.Upserted.Select(i => i.ItemId));
        return new CatalogueSnapshot(items, content, deleted, Math.Max(Sequence, changes.Sequence), merged);
    }

    /// <summary>This catalogue with its content index rebuilt from scratch (fresh IDF, every row refilled), keeping the items' embeddings.</summary>
    public CatalogueSnapshot Rebuilt(CatalogueFeatures features) => new(Items, Build(Items, features, Content), Deleted, Sequence, _merged);

    /// <summary>
    /// This catalogue with item embeddings merged into its content index, for the items whose catalogue entry is still
    /// the one <paramref name="vectorOf"/> embedded (it answers null otherwise) and whose index entry lacks that vector
    /// (compared by value, widened to fp32 as the index keeps it); null when there is nothing to merge. A vector already
    /// found in or merged into this content entry (the same array) is not widened or compared again.
    /// </summary>
    public CatalogueSnapshot? WithEmbeddings(Func<CatalogItem, Half[]?> vectorOf, CatalogueFeatures features)
    {
        if (Content is null)
        {
            return null;
        }

        var changed = new List<ContentItem>();
        var known = _merged;
        var merged = known.ToBuilder();
        float[] widened = [];
        foreach (var (id, item) in Items)
        {
            if (vectorOf(item) is not { } vector || (known.TryGetValue(id, out var last) && ReferenceEquals(last, vector)))
            {
                continue;
            }

            merged[id] = vector;

            if (widened.Length != vector.Length)
            {
                widened = new float[vector.Length];
            }

            TensorPrimitives.ConvertToSingle(vector, widened);
            if (!Content.EmbeddingOf(id).Span.SequenceEqual(widened))
            {
                changed.Add(features.Of(item) with { Embedding = widened });
                widened = [];
            }
        }

        if (changed.Count == 0)
        {
            // Two merges of this snapshot at once each know what they checked; either result is true of Content.
            _merged = merged.ToImmutable();
            return null;
        }

        // In id order, like a build, so replicas merging the same vectors number new rows alike.
        return new CatalogueSnapshot(Items, Content.WithItems([.. changed.OrderBy(c => c.Metadata.ItemId, StringComparer.Ordinal)]), Deleted, Sequence, merged.ToImmutable());
    }

    // An upsert that leaves the embedded text alone (availability, say) keeps its vector: nothing would embed it again.
    private IReadOnlyList<ContentItem> KeepEmbeddings(CatalogueChanges changes)
    {
        if (Content is not { EmbeddedCount: > 0 } content)
        {
            return changes.Featurised;
        }

        var kept = new ContentItem[changes.Featurised.Count];
        for (int i = 0; i < kept.Length; i++)
        {
            var item = changes.Upserted[i];
            kept[i] = Items.TryGetValue(item.ItemId, out var old) && content.EmbeddingOf(item.ItemId) is { IsEmpty: false } vector
                && LexicalIndex.Document(old) == LexicalIndex.Document(item)
                ? changes.Featurised[i] with { Embedding = vector }
                : changes.Featurised[i];
        }

        return kept;
    }

    // In id order: the dictionary's own order follows string hashes, which differ between processes, and replicas
    // building from the same items should number them (and break ties) alike.
    private static ContentIndex Build(ImmutableDictionary<string, CatalogItem> items, CatalogueFeatures features, ContentIndex? embeddingsFrom) =>
        ContentIndex.Build([.. items.OrderBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => features.Of(i.Value) with { Embedding = embeddingsFrom?.EmbeddingOf(i.Key) ?? default })]);

    private sealed record DayIds(DateOnly Day, string[] Ids);

    private sealed record Withdrawn(ItemIndex Index, string[] Ids);
}

/// <summary>
/// A run of change-feed entries made ready to apply: each item once, at its latest change (a later page may repeat an
/// item written again meanwhile), upserts featurised for the content index (done outside the snapshot lock).
/// </summary>
/// <param name="Upserted">Items written, in feed order.</param>
/// <param name="Featurised">Their content features, same order.</param>
/// <param name="Deleted">Ids deleted.</param>
/// <param name="Sequence">The last sequence of the run.</param>
internal sealed record CatalogueChanges(IReadOnlyList<CatalogItem> Upserted, IReadOnlyList<ContentItem> Featurised, IReadOnlyList<string> Deleted, long Sequence)
{
    public static CatalogueChanges Of(IReadOnlyList<CatalogChange> feed, CatalogueFeatures features, bool featurise)
    {
        var latest = new Dictionary<string, CatalogChange>(StringComparer.Ordinal);
        foreach (var change in feed)
        {
            latest.Remove(change.ItemId);
            latest.Add(change.ItemId, change);
        }

        var upserted = latest.Values.Where(c => c.Item is not null).Select(c => c.Item!).ToList();
        return new CatalogueChanges(
            upserted,
            featurise ? [.. upserted.Select(features.Of)] : [],
            [.. latest.Values.Where(c => c.Item is null).Select(c => c.ItemId)],
            feed.Count > 0 ? feed[^1].Sequence : 0);
    }
}
