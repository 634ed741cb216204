namespace MaaS.Recommendations.Search;

/// <summary>
/// An inverted-file partition of vectors (IVF, as in Faiss' IndexIVF): spherical k-means centroids trained on a
/// seeded sample, every row assigned to its nearest centroid by inner product, and the rows grouped list by list
/// (<see cref="Order"/>), so a query scans only the rows of the few lists whose centroids are nearest it. Which rows
/// that misses is what recall@10 against exact search measures. Deterministic for a seed; immutable; thread-safe.
/// </summary>
internal sealed class IvfLists
{
    // Rows sampled per list for training: Faiss warns below ~39 per centroid; more costs build time for little.
    private const int SamplePerList = 64;
    private const int Iterations = 10;

    private IvfLists(float[] centroids, int[] offsets, int[] order, int dimensions)
    {
        Centroids = centroids;
        Offsets = offsets;
        Order = order;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public int Count => Offsets.Length - 1;

    /// <summary>The unit-length centroids, row-major.</summary>
    public float[] Centroids { get; }

    /// <summary>List l holds positions <c>[Offsets[l], Offsets[l + 1])</c> of <see cref="Order"/>.</summary>
    public int[] Offsets { get; }

    /// <summary>Position → row: the rows list by list, in row order within a list.</summary>
    public int[] Order { get; }

    /// <summary>Trains <paramref name="lists"/> centroids on <paramref name="rows"/> and assigns every row to one.</summary>
    public static IvfLists Build(ReadOnlySpan<float> rows, int dimensions, int lists, int seed = 17)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        int count = rows.Length / dimensions;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lists);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lists, count);

        var random = new Random(seed);
        var sample = Sample(count, Math.Min(count, lists * SamplePerList), random);
        var centroids = new float[lists * dimensions];
        for (int l = 0; l < lists; l++)
        {
            rows.Slice(sample[l] * dimensions, dimensions).CopyTo(centroids.AsSpan(l * dimensions, dimensions));
        }

        var assigned = new int[sample.Length];
        var sizes = new int[lists];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            for (int s = 0; s < sample.Length; s++)
            {
                assigned[s] = Nearest(centroids, dimensions, rows.Slice(sample[s] * dimensions, dimensions));
            }

            Array.Clear(centroids);
            Array.Clear(sizes);
            for (int s = 0; s < sample.Length; s++)
            {
                var centroid = centroids.AsSpan(assigned[s] * dimensions, dimensions);
                TensorPrimitives.Add(centroid, rows.Slice(sample[s] * dimensions, dimensions), centroid);
                sizes[assigned[s]]++;
            }

            for (int l = 0; l < lists; l++)
            {
                var centroid = centroids.AsSpan(l * dimensions, dimensions);
                if (sizes[l] == 0)
                {
                    // An empty list restarts from a random sampled row rather than staying unused.
                    rows.Slice(sample[random.Next(sample.Length)] * dimensions, dimensions).CopyTo(centroid);
                }

                float norm = TensorPrimitives.Norm(centroid);
                if (norm > 0 && float.IsFinite(norm))
                {
                    TensorPrimitives.Divide(centroid, norm, centroid);
                }
            }
        }

        var list = new int[count];
        var offsets = new int[lists + 1];
        for (int r = 0; r < count; r++)
        {
            list[r] = Nearest(centroids, dimensions, rows.Slice(r * dimensions, dimensions));
            offsets[list[r] + 1]++;
        }

        for (int l = 0; l < lists; l++)
        {
            offsets[l + 1] += offsets[l];
        }

        var order = new int[count];
        var next = offsets[..^1];
        for (int r = 0; r < count; r++)
        {
            order[next[list[r]]++] = r;
        }

        return new IvfLists(centroids, offsets, order, dimensions);
    }

    /// <summary>Writes the <paramref name="into"/>.Length lists whose centroids have the largest inner product with
    /// <paramref name="query"/>, nearest first (ties by list), and returns how many there are.</summary>
    public int Nearest(ReadOnlySpan<float> query, Span<int> into)
    {
        int probes = Math.Min(into.Length, Count);
        var scores = ArrayPool<float>.Shared.Rent(probes);
        try
        {
            var top = new TopRows(scores.AsSpan(0, probes), into[..probes]);
            for (int l = 0; l < Count; l++)
            {
                float score = TensorPrimitives.Dot(query, Centroids.AsSpan(l * Dimensions, Dimensions));
                if (top.Admits(score))
                {
                    top.Offer(score, l);
                }
            }

            top.SortBestFirst();
            return probes;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private static int Nearest(float[] centroids, int dimensions, ReadOnlySpan<float> row)
    {
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int l = 0, lists = centroids.Length / dimensions; l < lists; l++)
        {
            float score = TensorPrimitives.Dot(row, centroids.AsSpan(l * dimensions, dimensions));
            if (score > bestScore)
            {
                bestScore = score;
                best = l;
            }
        }

        return best;
    }

    /// <summary><paramref name="size"/> distinct rows of <paramref name="count"/>, by a partial Fisher–Yates shuffle.</summary>
    private static int[] Sample(int count, int size, Random random)
    {
        var all = new int[count];
        for (int i = 0; i < count; i++)
        {
            all[i] = i;
        }

        for (int i = 0; i < size; i++)
        {
            int j = random.Next(i, count);
            (all[i], all[j]) = (all[j], all[i]);
        }

        return all[..size];
    }
}
