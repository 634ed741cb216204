using MaaS.Recommendations;
using MaaS.Recommendations.Content;
using MaaS.Recommendations.Hybrid;
using MaaS.Storage.Abstractions;

namespace MaaS.Gateway.Recommendations;

/// <summary>
/// The tenant's content index and the hybrid joined from it and the serving CF index. The content index is
/// immutable and swapped whole; writers (a full rebuild from <see cref="Items"/>, a catalogue upsert merging its
/// items) are serialised by one lock, and a rebuild reads the catalogue inside it, so an upsert is either in the
/// snapshot or merged after it, never lost. Readers take the current reference without locking.
/// </summary>
internal sealed partial class TenantState
{
    private readonly Lock _contentWrite = new();
    private volatile ContentIndex? _content;
    private volatile HybridJoin? _hybrid;

    /// <summary>The current content index (null until the catalogue first loads).</summary>
    public ContentIndex? Content => _content;

    /// <summary>Rebuilds the content index from the whole in-memory catalogue (fresh IDF, every row refilled).</summary>
    public void RebuildContent(CatalogueFeatures features)
    {
        lock (_contentWrite)
        {
            _content = ContentIndex.Build([.. Items.Values.Select(features.Of)]);
        }
    }

    /// <summary>Merges upserted items into the content index, so they have content neighbours before any CF build.</summary>
    public void UpsertContent(IReadOnlyList<CatalogItem> items, CatalogueFeatures features)
    {
        var changes = items.Select(features.Of).ToList();
        lock (_contentWrite)
        {
            _content = _content is null ? ContentIndex.Build([.. Items.Values.Select(features.Of)]) : _content.WithItems(changes);
        }
    }

    /// <summary>The hybrid over <paramref name="cf"/> (null: none built yet) and the current content index, cached per pair.</summary>
    public HybridRecommender Hybrid(ItemCfModel? cf, HybridOptions options)
    {
        var content = _content;
        var cached = _hybrid;
        if (cached is not null && ReferenceEquals(cached.Cf, cf) && ReferenceEquals(cached.Content, content) && cached.Recommender.Options == options)
        {
            return cached.Recommender;
        }

        // Two requests may join the same pair at once; both results are equal and the last one is kept.
        var joined = new HybridJoin(cf, content, new HybridRecommender(cf?.Index, content, cf?.Stats.ItemEvents, options));
        _hybrid = joined;
        return joined.Recommender;
    }

    private sealed record HybridJoin(ItemCfModel? Cf, ContentIndex? Content, HybridRecommender Recommender);
}
