using Workspace = MaaS.Recommendations.Similarity.SimilarityBuilder.Workspace;

namespace MaaS.Recommendations.Content;

public sealed partial class ContentIndex
{
    /// <summary>
    /// A new index with <paramref name="changes"/> added or replacing items of the same id; this one is unchanged.
    /// Small batches are merged: each changed item leaves the rows that held it, gets its own top-k row, and enters
    /// every row it now beats (similarity is symmetric); IDF stays as built (a new feature counts df = 1), and a row
    /// that lost a neighbour is not refilled until the next full build. Batches above a quarter of the catalogue
    /// rebuild everything. Cost of a merge: O(items) to copy row references plus the postings of the changed items'
    /// features.
    /// </summary>
    public ContentIndex WithItems(IReadOnlyList<ContentItem> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var latest = new Dictionary<string, ContentItem>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            latest[change.Metadata.ItemId] = change;
        }

        if (latest.Count == 0)
        {
            return this;
        }

        if (latest.Count * 4 > ItemCount)
        {
            return Build(Inputs.Concat(changes), Options);
        }

        var merge = new Merge(this);
        var changed = new List<int>(latest.Count);
        foreach (var change in latest.Values)
        {
            changed.Add(merge.Replace(change));
        }

        var ws = new Workspace(merge.Items.Count);
        foreach (int x in changed)
        {
            int m = ContentSimilarity.Scatter(x, merge.VectorIds[x], merge.VectorWeights[x], merge.EmbeddingArray, merge.PostingItems, merge.PostingWeights, Options.EmbeddingWeight, ws);
            (merge.Rows[x], merge.RowWeights[x]) = ContentSimilarity.TopK(ws, m, Options.TopK);
            for (int r = 0; r < m; r++)
            {
                int j = ws.Indices[r];
                (merge.Rows[j], merge.RowWeights[j]) = Enter(merge.Rows[j], merge.RowWeights[j], x, ws.Values[r], Options.TopK);
            }
        }

        return merge.ToIndex();
    }

    /// <summary>
    /// A new index without <paramref name="itemIds"/> (ids it does not hold are ignored); this one is unchanged. Each
    /// removed item leaves the postings of its features and every row that held it, and the last item takes its index
    /// (renamed in the rows and postings that hold it), so indices stay dense. As with <see cref="WithItems"/>, rows that
    /// lost a neighbour are not refilled and IDF stays as built until the next full build; removing more than a quarter
    /// of the catalogue rebuilds from what is left. Cost: O(items) to copy row references plus the postings of the
    /// removed and moved items' features.
    /// </summary>
    public ContentIndex WithoutItems(IReadOnlyCollection<string> itemIds)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in itemIds)
        {
            if (Items.TryGetIndex(id, out _))
            {
                gone.Add(id);
            }
        }

        if (gone.Count == 0)
        {
            return this;
        }

        if (gone.Count * 4 > ItemCount)
        {
            return Build(Inputs.Where(i => !gone.Contains(i.Metadata.ItemId)), Options);
        }

        var merge = new Merge(this);
        foreach (string id in gone)
        {
            merge.Remove(id);
        }

        return merge.ToIndex();
    }

    /// <summary>Row with <paramref name="item"/> at <paramref name="weight"/> when it belongs among the k best (a copy; the input is shared).</summary>
    private static (int[], float[]) Enter(int[] row, float[] weights, int item, float weight, int k)
    {
        int at = row.AsSpan().BinarySearch(item);
        if (at >= 0)
        {
            var updated = (float[])weights.Clone();
            updated[at] = weight;
            return (row, updated);
        }

        var items = row.ToList();
        var values = weights.ToList();
        if (row.Length >= k)
        {
            int weakest = System.Numerics.Tensors.TensorPrimitives.IndexOfMin(weights);
            if (weight <= weights[weakest])
            {
                return (row, weights);
            }

            items.RemoveAt(weakest);
            values.RemoveAt(weakest);
        }

        int insert = ~items.BinarySearch(item);
        items.Insert(insert, item);
        values.Insert(insert, weight);
        return ([.. items], [.. values]);
    }

    private static (int[], float[]) Without(int[] items, float[] weights, int item)
    {
        int at = Array.IndexOf(items, item);
        if (at < 0)
        {
            return (items, weights);
        }

        var keptItems = items.ToList();
        var keptWeights = weights.ToList();
        keptItems.RemoveAt(at);
        keptWeights.RemoveAt(at);
        return ([.. keptItems], [.. keptWeights]);
    }

    /// <summary>The ascending row with <paramref name="from"/> renamed <paramref name="to"/> (a copy, still ascending); unchanged when it lacks <paramref name="from"/>.</summary>
    private static (int[], float[]) Renamed(int[] row, float[] weights, int from, int to)
    {
        int at = row.AsSpan().BinarySearch(from);
        if (at < 0)
        {
            return (row, weights);
        }

        var items = row.ToList();
        var values = weights.ToList();
        float weight = values[at];
        items.RemoveAt(at);
        values.RemoveAt(at);
        int insert = ~items.BinarySearch(to);
        items.Insert(insert, to);
        values.Insert(insert, weight);
        return ([.. items], [.. values]);
    }

    /// <summary>Copy-on-write working set of a merge: outer arrays copied, inner arrays replaced only where they change.</summary>
    private sealed class Merge(ContentIndex source)
    {
        public IdMap Items { get; } = new(source.Items.Ids);

        public List<ContentItem> Inputs { get; } = [.. source.Inputs];

        public Dictionary<string, int> Features { get; } = new(source.Features, StringComparer.Ordinal);

        public List<float> Idf { get; } = [.. source.Idf];

        public List<int[]> VectorIds { get; } = [.. source.VectorIds];

        public List<float[]> VectorWeights { get; } = [.. source.VectorWeights];

        public List<float[]?> Embeddings { get; } = [.. source.Embeddings];

        /// <summary>A snapshot of <see cref="Embeddings"/> for scatters (taken after every item of the batch is in).</summary>
        public float[]?[] EmbeddingArray => _embeddingArray ??= [.. Embeddings];

        private float[]?[]? _embeddingArray;

        // Embedding neighbours share no feature: with any embedding in the index, a row may hold an item its postings
        // do not reach, so finding the rows that name an item means scanning them all (O(items · log k)).
        private bool DenseRows => source.Options.EmbeddingWeight > 0f && (source.EmbeddedCount > 0 || Embeddings.Any(e => e is not null));

        public int[][] PostingItems { get; private set; } = [.. source.PostingItems];

        public float[][] PostingWeights { get; private set; } = [.. source.PostingWeights];

        public List<int[]> Rows { get; } = [.. source.Rows];

        public List<float[]> RowWeights { get; } = [.. source.RowWeights];

        /// <summary>Takes the old vector out (postings and every row that held the item), puts the new one in; returns the item index.</summary>
        public int Replace(ContentItem change)
        {
            if (Items.TryGetIndex(change.Metadata.ItemId, out int x))
            {
                Detach(x);
                Inputs[x] = change;
            }
            else
            {
                x = Items.GetOrAdd(change.Metadata.ItemId);
                Inputs.Add(change);
                VectorIds.Add([]);
                VectorWeights.Add([]);
                Embeddings.Add(null);
                Rows.Add([]);
                RowWeights.Add([]);
            }

            var (ids, raw) = Aggregate(change.Features, Features, add: true);
            if (Features.Count > Idf.Count)
            {
                int added = Features.Count - Idf.Count;
                for (int a = 0; a < added; a++)
                {
                    Idf.Add(InverseFrequency(Items.Count, 1));
                }

                PostingItems = [.. PostingItems, .. Enumerable.Range(0, added).Select(_ => Array.Empty<int>())];
                PostingWeights = [.. PostingWeights, .. Enumerable.Range(0, added).Select(_ => Array.Empty<float>())];
            }

            (VectorIds[x], VectorWeights[x]) = Vector(ids, raw, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Idf));
            Embeddings[x] = UnitEmbedding(change);
            _embeddingArray = null;
            for (int k = 0; k < VectorIds[x].Length; k++)
            {
                int f = VectorIds[x][k];
                PostingItems[f] = [.. PostingItems[f], x];
                PostingWeights[f] = [.. PostingWeights[f], VectorWeights[x][k]];
            }

            return x;
        }

        /// <summary>Takes a held item out, then moves the last item into its index.</summary>
        public void Remove(string itemId)
        {
            int x = Items.TryGetIndex(itemId, out int found) ? found : throw new ArgumentException("Not in the index.", nameof(itemId));
            Detach(x);
            int last = Items.Count - 1;
            if (x != last)
            {
                // Without embeddings a row holds an item only if its owner shares a feature with it, so the postings
                // of the last item's features reach every row that names it.
                foreach (int j in RowsThatMayHold(last))
                {
                    (Rows[j], RowWeights[j]) = Renamed(Rows[j], RowWeights[j], last, x);
                }

                foreach (int f in VectorIds[last])
                {
                    var postings = (int[])PostingItems[f].Clone();
                    postings[Array.IndexOf(postings, last)] = x;
                    PostingItems[f] = postings;
                }

                Inputs[x] = Inputs[last];
                VectorIds[x] = VectorIds[last];
                VectorWeights[x] = VectorWeights[last];
                Embeddings[x] = Embeddings[last];
                Rows[x] = Rows[last];
                RowWeights[x] = RowWeights[last];
            }

            Items.SwapRemove(x);
            Inputs.RemoveAt(last);
            VectorIds.RemoveAt(last);
            VectorWeights.RemoveAt(last);
            Embeddings.RemoveAt(last);
            _embeddingArray = null;
            Rows.RemoveAt(last);
            RowWeights.RemoveAt(last);
        }

        /// <summary>Takes item <paramref name="x"/> out of its features' postings and out of every row that holds it.</summary>
        private void Detach(int x)
        {
            foreach (int j in RowsThatMayHold(x))
            {
                if (Rows[j].AsSpan().BinarySearch(x) >= 0)
                {
                    (Rows[j], RowWeights[j]) = Without(Rows[j], RowWeights[j], x);
                }
            }

            foreach (int f in VectorIds[x])
            {
                (PostingItems[f], PostingWeights[f]) = Without(PostingItems[f], PostingWeights[f], x);
            }
        }

        /// <summary>Every row that can name item <paramref name="x"/> (some more than once).</summary>
        private IEnumerable<int> RowsThatMayHold(int x) =>
            DenseRows ? Enumerable.Range(0, Rows.Count) : VectorIds[x].SelectMany(f => PostingItems[f]);

        public ContentIndex ToIndex() => new(source.Options, Items, [.. Inputs], Features, [.. Idf], [.. VectorIds], [.. VectorWeights],
            [.. Embeddings], PostingItems, PostingWeights, [.. Rows], [.. RowWeights]);
    }
}
