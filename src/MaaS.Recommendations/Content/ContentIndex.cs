namespace MaaS.Recommendations.Content;

/// <summary>
/// Item-item content similarity: each item is a TF-IDF vector over its features,
/// w(i, f) = raw(i, f) · ln(1 + N / df(f)), scaled to unit L2 norm, so the similarity of two items is the cosine of
/// their vectors, blended with the cosine of the items' dense embeddings where both have one
/// (<see cref="ContentOptions.EmbeddingWeight"/>). Per item the top-k neighbours are kept, found sparsely through an inverted index (feature → items),
/// with the same scatter, compaction and selection kernels as collaborative filtering. Immutable: updates
/// (<see cref="WithItems"/>) return a new index and share unchanged rows with this one, so readers never lock.
/// Thread-safe.
/// </summary>
public sealed partial class ContentIndex
{
    private ContentIndex(ContentOptions options, IdMap items, ContentItem[] inputs, Dictionary<string, int> features, float[] idf,
        int[][] vectorIds, float[][] vectorWeights, float[]?[] embeddings, int[][] postingItems, float[][] postingWeights, int[][] rows, float[][] rowWeights)
    {
        Options = options;
        Items = items;
        Inputs = inputs;
        Features = features;
        Idf = idf;
        VectorIds = vectorIds;
        VectorWeights = vectorWeights;
        Embeddings = embeddings;
        EmbeddedCount = embeddings.Count(e => e is not null);
        PostingItems = postingItems;
        PostingWeights = postingWeights;
        Rows = rows;
        RowWeights = rowWeights;
        Catalog = ItemCatalog.Create(items, inputs.Select(i => i.Metadata), dropExtraGenres: true);
    }

    /// <summary>Number of items (indices 0..ItemCount-1).</summary>
    public int ItemCount => Items.Count;

    /// <summary>External item ids in index order.</summary>
    public IReadOnlyList<string> ItemIds => Items.Ids;

    /// <summary>Distinct features seen.</summary>
    public int FeatureCount => Idf.Length;

    /// <summary>Total stored neighbour entries.</summary>
    public long NeighbourCount => Rows.Sum(r => (long)r.Length);

    /// <summary>Items with an embedding.</summary>
    public int EmbeddedCount { get; }

    /// <summary>The options it was built with.</summary>
    public ContentOptions Options { get; }

    internal IdMap Items { get; }

    internal ContentItem[] Inputs { get; }

    internal Dictionary<string, int> Features { get; }

    internal float[] Idf { get; }

    internal int[][] VectorIds { get; }

    internal float[][] VectorWeights { get; }

    /// <summary>Unit-length embedding per item, null where it has none.</summary>
    internal float[]?[] Embeddings { get; }

    internal int[][] PostingItems { get; }

    internal float[][] PostingWeights { get; }

    /// <summary>Neighbours of each item, ascending item index.</summary>
    internal int[][] Rows { get; }

    /// <summary>Cosine similarity of each neighbour (same order as <see cref="Rows"/>).</summary>
    internal float[][] RowWeights { get; }

    internal ItemCatalog Catalog { get; }

    /// <summary>Builds an index over <paramref name="items"/> (a repeated id keeps its last entry) in parallel.</summary>
    public static ContentIndex Build(IEnumerable<ContentItem> items, ContentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        options ??= ContentOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TopK, 1);
        if (!(options.EmbeddingWeight is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EmbeddingWeight, "EmbeddingWeight must be in [0, 1].");
        }

        var ids = new IdMap();
        var inputs = new List<ContentItem>();
        foreach (var item in items)
        {
            int at = ids.GetOrAdd(item.Metadata.ItemId);
            if (at == inputs.Count)
            {
                inputs.Add(item);
            }
            else
            {
                inputs[at] = item;
            }
        }

        int n = inputs.Count;
        var features = new Dictionary<string, int>(StringComparer.Ordinal);
        var raw = new (int[] Ids, float[] Weights)[n];
        var df = new List<int>();
        for (int i = 0; i < n; i++)
        {
            raw[i] = Aggregate(inputs[i].Features, features, add: true);
            foreach (int f in raw[i].Ids)
            {
                if (f == df.Count)
                {
                    df.Add(0);
                }

                df[f]++;
            }
        }

        var idf = new float[df.Count];
        for (int f = 0; f < idf.Length; f++)
        {
            idf[f] = df[f] > options.MaxPostingLength ? 0f : InverseFrequency(n, df[f]);
        }

        var vectorIds = new int[n][];
        var vectorWeights = new float[n][];
        for (int i = 0; i < n; i++)
        {
            (vectorIds[i], vectorWeights[i]) = Vector(raw[i].Ids, raw[i].Weights, idf);
        }

        var embeddings = new float[]?[n];
        for (int i = 0; i < n; i++)
        {
            embeddings[i] = UnitEmbedding(inputs[i]);
        }

        var (postingItems, postingWeights) = Postings(vectorIds, vectorWeights, idf.Length);
        var (rows, rowWeights) = ContentSimilarity.AllRows(vectorIds, vectorWeights, embeddings, postingItems, postingWeights, options);
        return new ContentIndex(options, ids, [.. inputs], features, idf, vectorIds, vectorWeights, embeddings, postingItems, postingWeights, rows, rowWeights);
    }

    /// <summary>The embedding <paramref name="itemId"/> was given (as given, not normalised); empty when it has none or is not held.</summary>
    public ReadOnlyMemory<float> EmbeddingOf(string itemId) => Items.TryGetIndex(itemId, out int i) ? Inputs[i].Embedding : default;

    /// <summary>Index of an external item id.</summary>
    public bool TryGetItemIndex(string itemId, out int index) => Items.TryGetIndex(itemId, out index);

    /// <summary>Cosine similarity of <paramref name="neighbour"/> in <paramref name="item"/>'s kept row, 0 when not kept.</summary>
    internal float WeightOf(int item, int neighbour)
    {
        int at = Rows[item].AsSpan().BinarySearch(neighbour);
        return at < 0 ? 0f : RowWeights[item][at];
    }

    /// <summary>Smoothed inverse document frequency: ln(1 + N / df).</summary>
    internal static float InverseFrequency(int items, int documentFrequency) => MathF.Log(1f + ((float)items / Math.Max(1, documentFrequency)));

    /// <summary>Sums repeated keys; positive totals only. Unknown keys are added to <paramref name="features"/> when
    /// <paramref name="add"/>, else dropped.</summary>
    internal static (int[] Ids, float[] Weights) Aggregate(IReadOnlyList<ContentFeature> input, Dictionary<string, int> features, bool add)
    {
        var sums = new Dictionary<int, float>(input.Count);
        foreach (var feature in input)
        {
            if (!features.TryGetValue(feature.Key, out int f))
            {
                if (!add)
                {
                    continue;
                }

                f = features.Count;
                features.Add(feature.Key, f);
            }

            sums[f] = sums.GetValueOrDefault(f) + feature.Weight;
        }

        var kept = sums.Where(p => p.Value > 0f && float.IsFinite(p.Value)).OrderBy(p => p.Key).ToArray();
        return ([.. kept.Select(p => p.Key)], [.. kept.Select(p => p.Value)]);
    }

    /// <summary>A unit-length copy of the item's embedding; null when it has none, or it is zero or not finite.</summary>
    internal static float[]? UnitEmbedding(ContentItem item)
    {
        if (item.Embedding.IsEmpty)
        {
            return null;
        }

        var vector = item.Embedding.ToArray();
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (!(norm > 0f) || !float.IsFinite(norm))
        {
            return null;
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    /// <summary>raw × idf, zero-IDF features dropped, scaled to unit L2 norm.</summary>
    internal static (int[] Ids, float[] Weights) Vector(int[] ids, float[] raw, ReadOnlySpan<float> idf)
    {
        var outIds = new List<int>(ids.Length);
        var outWeights = new List<float>(ids.Length);
        for (int k = 0; k < ids.Length; k++)
        {
            float w = raw[k] * idf[ids[k]];
            if (w > 0f)
            {
                outIds.Add(ids[k]);
                outWeights.Add(w);
            }
        }

        var weights = outWeights.ToArray();
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(weights);
        if (norm > 0f)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(weights, norm, weights);
        }

        return ([.. outIds], weights);
    }

    private static (int[][] Items, float[][] Weights) Postings(int[][] vectorIds, float[][] vectorWeights, int featureCount)
    {
        var counts = new int[featureCount];
        foreach (var ids in vectorIds)
        {
            foreach (int f in ids)
            {
                counts[f]++;
            }
        }

        var items = new int[featureCount][];
        var weights = new float[featureCount][];
        for (int f = 0; f < featureCount; f++)
        {
            items[f] = new int[counts[f]];
            weights[f] = new float[counts[f]];
        }

        Array.Clear(counts);
        for (int i = 0; i < vectorIds.Length; i++)
        {
            for (int k = 0; k < vectorIds[i].Length; k++)
            {
                int f = vectorIds[i][k];
                items[f][counts[f]] = i;
                weights[f][counts[f]++] = vectorWeights[i][k];
            }
        }

        return (items, weights);
    }
}
