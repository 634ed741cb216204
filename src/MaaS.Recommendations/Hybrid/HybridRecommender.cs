namespace MaaS.Recommendations.Hybrid;

/// <summary>
/// Recommends from a collaborative index, a content index, or both blended per item (see <see cref="HybridOptions"/>).
/// Items live in one id space: the CF index's items first (same indices), then catalogue items only the content
/// index knows (new items, not yet in a CF build). Immutable and thread-safe; build one per pair of indexes (O(items)).
/// </summary>
public sealed partial class HybridRecommender
{
    /// <summary>Joins the indexes.</summary>
    /// <param name="collaborative">The CF index, or null (content only).</param>
    /// <param name="content">The content index, or null (CF only).</param>
    /// <param name="interactionCounts">Interactions per item id behind the CF build (n_i of the blend); missing ids count 0.</param>
    /// <param name="options">Blend parameters; null uses <see cref="HybridOptions.Default"/>.</param>
    public HybridRecommender(ItemIndex? collaborative, ContentIndex? content, IReadOnlyDictionary<string, int>? interactionCounts, HybridOptions? options = null)
    {
        Collaborative = collaborative;
        ContentIndex = content;
        Options = options ?? HybridOptions.Default;
        CfCount = collaborative?.ItemCount ?? 0;
        Items = collaborative is null ? new IdMap() : new IdMap(collaborative.ItemIds);
        int contentCount = content?.ItemCount ?? 0;
        ContentToUnion = new int[contentCount];
        for (int c = 0; c < contentCount; c++)
        {
            ContentToUnion[c] = Items.GetOrAdd(content!.Items[c]);
        }

        UnionToContent = new int[Items.Count];
        Array.Fill(UnionToContent, -1);
        for (int c = 0; c < contentCount; c++)
        {
            UnionToContent[ContentToUnion[c]] = c;
        }

        CfWeights = new float[Items.Count];
        for (int u = 0; u < CfCount; u++)
        {
            CfWeights[u] = Options.CfWeight(interactionCounts?.GetValueOrDefault(Items[u]) ?? 0);
        }

        NewItems = new byte[Items.Count];
        for (int u = 0; u < Items.Count; u++)
        {
            NewItems[u] = CfWeights[u] == 0f ? (byte)1 : (byte)0;
        }

        ContentBlend = new float[contentCount];
        for (int c = 0; c < contentCount; c++)
        {
            ContentBlend[c] = Options.ContentWeight * (1f - CfWeights[ContentToUnion[c]]);
        }

        Catalog = ItemCatalog.Create(Items, Metadata(collaborative, content), dropExtraGenres: true);
    }

    /// <summary>The CF index, if any.</summary>
    public ItemIndex? Collaborative { get; }

    /// <summary>The content index, if any.</summary>
    public ContentIndex? ContentIndex { get; }

    /// <summary>The blend parameters.</summary>
    public HybridOptions Options { get; }

    /// <summary>Items either index knows.</summary>
    public int ItemCount => Items.Count;

    internal IdMap Items { get; }

    internal int CfCount { get; }

    internal int[] ContentToUnion { get; }

    internal int[] UnionToContent { get; }

    /// <summary>w(i) per union item (0 for items the CF index lacks).</summary>
    internal float[] CfWeights { get; }

    /// <summary>1 for items without interactions in the CF build (w = 0), else 0.</summary>
    internal byte[] NewItems { get; }

    /// <summary>α · (1 − w(i)) per content item.</summary>
    internal float[] ContentBlend { get; }

    internal ItemCatalog Catalog { get; }

    /// <summary>Whether either index knows the item.</summary>
    public bool Contains(string itemId) => Items.TryGetIndex(itemId, out _);

    /// <summary>The CF weight w(i) the blend gives an item (0 when unknown).</summary>
    public float CfWeightOf(string itemId) => Items.TryGetIndex(itemId, out int u) ? CfWeights[u] : 0f;

    // Content metadata wins (it is the live catalogue); items only the CF index has keep its kind and genre mask.
    private static IEnumerable<ItemMetadata> Metadata(ItemIndex? cf, ContentIndex? content)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in content?.Inputs ?? [])
        {
            seen.Add(input.Metadata.ItemId);
            yield return input.Metadata;
        }

        if (cf is null)
        {
            yield break;
        }

        var names = cf.Catalog.GenreNames;
        for (int i = 0; i < cf.ItemCount; i++)
        {
            if (seen.Contains(cf.Items[i]))
            {
                continue;
            }

            ulong mask = cf.Catalog.GenreMasks[i];
            var genres = Enumerable.Range(0, names.Length).Where(b => (mask & (1UL << b)) != 0).Select(b => names[b]).ToArray();
            yield return new ItemMetadata(cf.Items[i], (ItemKind)cf.Catalog.Kinds[i], genres);
        }
    }
}
