namespace MaaS.Recommendations;

/// <summary>
/// A trained item-item index: per-item top-k neighbour lists, popularity for the cold-start fallback, catalogue
/// attributes for filters, and the external item id map. Immutable; every method is safe to call concurrently
/// (scoring buffers are per thread).
/// </summary>
public sealed partial class ItemIndex
{
    internal ItemIndex(IdMap items, int[] offsets, int[] neighbours, NeighbourWeights weights, float[] popularity, ItemCatalog catalog, string description)
    {
        Items = items;
        Offsets = offsets;
        Neighbours = neighbours;
        Weights = weights;
        Popularity = popularity;
        Catalog = catalog;
        Description = description;
        PopularOrder = Enumerable.Range(0, items.Count).OrderByDescending(i => popularity[i]).ThenBy(i => i).ToArray();
        RowMax = new float[items.Count];
        var buffer = new float[Math.Max(1, MaxRowLength())];
        for (int i = 0; i < items.Count; i++)
        {
            int len = offsets[i + 1] - offsets[i];
            weights.Decode(i, offsets[i], len, buffer);
            RowMax[i] = len == 0 ? 0f : System.Numerics.Tensors.TensorPrimitives.Max(buffer.AsSpan(0, len));
        }
    }

    /// <summary>Number of items (indices 0..ItemCount-1).</summary>
    public int ItemCount => Items.Count;

    /// <summary>External item ids in index order.</summary>
    public IReadOnlyList<string> ItemIds => Items.Ids;

    /// <summary>Total number of stored neighbour entries.</summary>
    public int NeighbourCount => Neighbours.Length;

    /// <summary>How neighbour weights are stored.</summary>
    public WeightPrecision Precision => Weights.Precision;

    /// <summary>Bytes taken by neighbour ids plus weights (the part compression changes).</summary>
    public long NeighbourBytes => (Neighbours.LongLength * sizeof(int)) + Weights.SizeInBytes;

    /// <summary>Free text recorded at build time (the options used), carried through artifacts.</summary>
    public string Description { get; }

    internal IdMap Items { get; }

    internal int[] Offsets { get; }

    internal int[] Neighbours { get; }

    internal NeighbourWeights Weights { get; }

    internal float[] Popularity { get; }

    internal int[] PopularOrder { get; }

    internal ItemCatalog Catalog { get; }

    internal float[] RowMax { get; }

    /// <summary>Builds an index from events (enumerated once, then held while building).</summary>
    /// <param name="events">Interaction events.</param>
    /// <param name="options">Build options; null uses <see cref="IndexBuildOptions.Default"/>.</param>
    /// <param name="catalog">Optional item attributes; catalogue items without events are kept (they can only be
    /// reached by the popularity fallback and filters).</param>
    /// <param name="cancellationToken">Stops the build between phases and between item ranges (dense builds: between
    /// pivots); it then throws <see cref="OperationCanceledException"/> and keeps nothing it allocated.</param>
    public static ItemIndex Build(
        IEnumerable<InteractionEvent> events, IndexBuildOptions? options = null, IEnumerable<ItemMetadata>? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        options ??= IndexBuildOptions.Default;
        var list = events as IReadOnlyList<InteractionEvent> ?? events.ToList();
        var metadata = catalog?.ToList();
        var items = new IdMap();
        foreach (var m in metadata ?? [])
        {
            items.GetOrAdd(m.ItemId);
        }

        var matrix = InteractionMatrixBuilder.Build(list, options.Weighting, items);
        cancellationToken.ThrowIfCancellationRequested();
        var popularity = new float[items.Count];
        long newest = matrix.NewestTimestamp;
        foreach (var e in list)
        {
            items.TryGetIndex(e.ItemId, out int i);
            popularity[i] += options.PopularityHalfLifeSeconds is double h && h > 0 ? (float)Math.Pow(0.5, (newest - e.Timestamp) / h) : 1f;
        }

        return Build(matrix, options, popularity, metadata, cancellationToken);
    }

    /// <summary>Builds an index from a prepared matrix; popularity is each item's number of users.</summary>
    /// <param name="matrix">The interactions.</param>
    /// <param name="options">Build options; null uses <see cref="IndexBuildOptions.Default"/>.</param>
    /// <param name="catalog">Optional item attributes.</param>
    /// <param name="cancellationToken">Stops the build between item ranges (dense builds: between pivots).</param>
    public static ItemIndex Build(
        InteractionMatrix matrix, IndexBuildOptions? options = null, IEnumerable<ItemMetadata>? catalog = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var popularity = new float[matrix.Items.Count];
        for (int i = 0; i < popularity.Length; i++)
        {
            popularity[i] = matrix.ItemDegree(i);
        }

        return Build(matrix, options ?? IndexBuildOptions.Default, popularity, catalog, cancellationToken);
    }

    private static ItemIndex Build(InteractionMatrix matrix, IndexBuildOptions options, float[] popularity, IEnumerable<ItemMetadata>? catalog, CancellationToken cancellationToken)
    {
        var graph = SimilarityBuilder.Build(matrix, options.Similarity, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var weights = NeighbourWeights.Encode(graph.Weights, graph.Offsets, options.Precision);
        return new ItemIndex(matrix.Items, graph.Offsets, graph.Neighbours, weights, popularity, ItemCatalog.Create(matrix.Items, catalog), options.ToString());
    }

    /// <summary>The same index with neighbour weights re-encoded (from this index's decoded weights).</summary>
    public ItemIndex WithPrecision(WeightPrecision precision)
    {
        var decoded = new float[Neighbours.Length];
        for (int i = 0; i < ItemCount; i++)
        {
            Weights.Decode(i, Offsets[i], Offsets[i + 1] - Offsets[i], decoded.AsSpan(Offsets[i]));
        }

        return new ItemIndex(Items, Offsets, Neighbours, NeighbourWeights.Encode(decoded, Offsets, precision), Popularity, Catalog, Description);
    }

    /// <summary>Index of an external item id.</summary>
    public bool TryGetItemIndex(string itemId, out int index) => Items.TryGetIndex(itemId, out index);

    /// <summary>
    /// The item's popularity in this build, as the popularity fallback ranks it: its events, each weighted
    /// 0.5^(age / half-life) when the build set <see cref="IndexBuildOptions.PopularityHalfLifeSeconds"/>; 0 for an item
    /// the build has not seen.
    /// </summary>
    public float PopularityOf(string itemId) => Items.TryGetIndex(itemId, out int index) ? Popularity[index] : 0f;

    private int MaxRowLength()
    {
        int max = 0;
        for (int i = 0; i + 1 < Offsets.Length; i++)
        {
            max = Math.Max(max, Offsets[i + 1] - Offsets[i]);
        }

        return max;
    }

    internal int Find(int item, int neighbour)
    {
        int start = Offsets[item];
        int at = Neighbours.AsSpan(start, Offsets[item + 1] - start).BinarySearch(neighbour);
        return at < 0 ? -1 : start + at;
    }

    internal float WeightOf(int item, int neighbour)
    {
        int at = Find(item, neighbour);
        return at < 0 ? 0f : Weights.At(item, at);
    }
}
