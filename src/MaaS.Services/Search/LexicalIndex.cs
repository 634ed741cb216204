using System.Collections.Immutable;

namespace MaaS.Services.Search;

/// <summary>
/// A catalogue snapshot made searchable by words: items in id order (ordinal = position) and BM25 over each item's
/// title, genres, tags and text. Built from one <see cref="CatalogueSnapshot"/> and valid for it only. Immutable.
/// </summary>
internal sealed class LexicalIndex
{
    private LexicalIndex(CatalogueSnapshot snapshot, CatalogItem[] items, Bm25Index bm25)
    {
        Snapshot = snapshot;
        Items = items;
        Bm25 = bm25;
        Ordinals = items.Select((item, i) => KeyValuePair.Create(item.ItemId, i)).ToImmutableDictionary(StringComparer.Ordinal);
    }

    public CatalogueSnapshot Snapshot { get; }

    public CatalogItem[] Items { get; }

    public ImmutableDictionary<string, int> Ordinals { get; }

    public Bm25Index Bm25 { get; }

    public static LexicalIndex Build(CatalogueSnapshot snapshot)
    {
        CatalogItem[] items = [.. snapshot.Items.Values.OrderBy(i => i.ItemId, StringComparer.Ordinal)];
        return new LexicalIndex(snapshot, items, Bm25Index.Build([.. items.Select(Document)]));
    }

    /// <summary>What BM25 reads of an item, and what its embedding is computed from.</summary>
    public static string Document(CatalogItem item) =>
        $"{item.Title}. {string.Join(", ", item.Genres)}. {string.Join(", ", item.Tags)}. {item.Text}";
}
