namespace MaaS.Recommendations.Similarity;

/// <summary>
/// Sparse item-item similarity: for each item i, the users of i scatter their rows into a dense accumulator, so the
/// work is Σ over users of (items per user)², never items². Items are processed in parallel, each thread owning its
/// accumulator and buffers. A cancelled build stops between item ranges (each about 1/64 of a core's share of the
/// work) and throws <see cref="OperationCanceledException"/>; nothing it allocated stays referenced.
/// </summary>
internal static class SimilarityBuilder
{
    public static NeighbourGraph Build(InteractionMatrix matrix, SimilarityOptions options, CancellationToken cancellationToken = default)
    {
        var graph = BuildRaw(matrix, options, cancellationToken);
        if (options.NormalizeRows)
        {
            graph.NormalizeRows();
        }

        return graph;
    }

    private static NeighbourGraph BuildRaw(InteractionMatrix matrix, SimilarityOptions options, CancellationToken cancellationToken)
    {
        if (options.Measure == SimilarityMeasure.Ease)
        {
            return EaseBuilder.Build(matrix, options, cancellationToken);
        }

        int nItems = matrix.Items.Count;
        if (nItems == 0)
        {
            return new NeighbourGraph([0], [], []);
        }

        float[] userFactor = UserFactors(matrix, options.UserDegreeExponent);
        var (sourceDenominator, targetDenominator) = Denominators(matrix, options);
        var (rows, rowWeights) = ParallelRows(BalancedRanges(matrix, 64 * Math.Max(1, Environment.ProcessorCount)), nItems, options.MaxDegreeOfParallelism,
            (i, ws) => BuildRow(matrix, options, i, userFactor, sourceDenominator, targetDenominator, ws), cancellationToken);
        return NeighbourGraph.FromRows(rows, rowWeights);
    }

    /// <summary>
    /// Builds every row of an n-item graph in parallel over <paramref name="ranges"/>; each running task owns a
    /// <see cref="Workspace"/>. Shared by the collaborative and the content build. Cancellation is observed before
    /// each range: a range that starts after the token is cancelled throws <see cref="OperationCanceledException"/>
    /// before building a row, and Parallel.ForEach rethrows it once the running ranges end.
    /// </summary>
    internal static (int[][] Rows, float[][] Weights) ParallelRows(
        IEnumerable<Tuple<int, int>> ranges, int nItems, int maxDegreeOfParallelism, Func<int, Workspace, (int[], float[])> row,
        CancellationToken cancellationToken = default)
    {
        var rows = new int[nItems][];
        var weights = new float[nItems][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        // Parallel.ForEach may start more tasks than cores; returning workspaces to a bag bounds them to the peak concurrency.
        var spare = new System.Collections.Concurrent.ConcurrentBag<Workspace>();
        Parallel.ForEach(ranges, parallel, () => spare.TryTake(out var reused) ? reused : new Workspace(nItems), (range, _, ws) =>
        {
            // Our own check, not only Parallel.ForEach's stop flag: a CI run saw every range run after the cancel.
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = range.Item1; i < range.Item2; i++)
            {
                (rows[i], weights[i]) = row(i, ws);
            }

            return ws;
        }, spare.Add);
        return (rows, weights);
    }

    /// <summary>The <paramref name="k"/> best of the <paramref name="count"/> similarities drained into the workspace's
    /// indices / values (positive ones only), ascending item.</summary>
    internal static (int[] Items, float[] Weights) SelectTopK(Workspace ws, int count, int k)
    {
        if (count == 0)
        {
            return ([], []);
        }

        int kept = ThresholdSelector.Select(ws.Values.AsSpan(0, count), k, 0f, ws.OutPositions, ws.OutValues, ws.Scratch);
        var items = new int[kept];
        for (int r = 0; r < kept; r++)
        {
            items[r] = ws.Indices[ws.OutPositions[r]];
        }

        return (items, ws.OutValues.AsSpan(0, kept).ToArray());
    }

    private static (int[], float[]) BuildRow(InteractionMatrix m, SimilarityOptions o, int i, float[] userFactor, float[] source, float[] target, Workspace ws)
    {
        for (int k = m.ItemOffsets[i]; k < m.ItemOffsets[i + 1]; k++)
        {
            int u = m.ItemUsers[k];
            ScatterAdd.RunUnchecked(ws.Accumulator, m.UserItems(u), m.UserValues(u), m.ItemValues[k] * userFactor[u]);
        }

        ws.Accumulator[i] = 0f;
        int n = CompactNonZero.Drain(ws.Accumulator, ws.Indices, ws.Values);
        if (n == 0)
        {
            return ([], []);
        }

        var idx = ws.Indices.AsSpan(0, n);
        var co = ws.Values.AsSpan(0, n);
        var denom = ws.Scratch.AsSpan(0, n);
        Gather.RunUnchecked(target, idx, denom);
        switch (o.Measure)
        {
            case SimilarityMeasure.Jaccard:
                // c_i + c_j - co: target holds c_j, source holds c_i.
                TensorPrimitives.Add(denom, source[i] + o.Shrinkage, denom);
                TensorPrimitives.Subtract(denom, co, denom);
                break;
            case SimilarityMeasure.Cooccurrence:
                denom.Fill(1f + o.Shrinkage);
                break;
            default:
                TensorPrimitives.Multiply(denom, source[i], denom);
                TensorPrimitives.Add(denom, o.Shrinkage, denom);
                break;
        }

        TensorPrimitives.Divide(co, denom, co);
        if (o.Locality != 1f)
        {
            TensorPrimitives.Pow(co, o.Locality, co);
        }

        return SelectTopK(ws, n, o.TopK);
    }

    /// <summary>
    /// Item ranges of about equal work. Row i costs Σ over its users of their degree, and popularity is skewed (a Zipf
    /// head item costs thousands of tail items), so equal-width ranges would leave one thread with the head alone.
    /// </summary>
    internal static List<Tuple<int, int>> BalancedRanges(InteractionMatrix m, int parts)
    {
        int nItems = m.Items.Count;
        var cost = new long[nItems];
        long total = 0;
        for (int i = 0; i < nItems; i++)
        {
            long c = 1;
            for (int k = m.ItemOffsets[i]; k < m.ItemOffsets[i + 1]; k++)
            {
                int u = m.ItemUsers[k];
                c += m.RowOffsets[u + 1] - m.RowOffsets[u];
            }

            cost[i] = c;
            total += c;
        }

        long target = Math.Max(1, total / parts);
        var ranges = new List<Tuple<int, int>>(parts + 1);
        int from = 0;
        long acc = 0;
        for (int i = 0; i < nItems; i++)
        {
            acc += cost[i];
            if (acc >= target)
            {
                ranges.Add(Tuple.Create(from, i + 1));
                from = i + 1;
                acc = 0;
            }
        }

        if (from < nItems)
        {
            ranges.Add(Tuple.Create(from, nItems));
        }

        return ranges;
    }

    internal static float[] UserFactors(InteractionMatrix m, float gamma)
    {
        var f = new float[m.Users.Count];
        for (int u = 0; u < f.Length; u++)
        {
            int degree = m.RowOffsets[u + 1] - m.RowOffsets[u];
            f[u] = gamma == 0f || degree == 0 ? 1f : MathF.Pow(degree, -gamma);
        }

        return f;
    }

    private static (float[] Source, float[] Target) Denominators(InteractionMatrix m, SimilarityOptions o)
    {
        int nItems = m.Items.Count;
        var source = new float[nItems];
        var target = new float[nItems];
        for (int i = 0; i < nItems; i++)
        {
            var vals = m.ItemValues.AsSpan(m.ItemOffsets[i], m.ItemDegree(i));
            float sumSquares = TensorPrimitives.SumOfSquares(vals);
            float sum = TensorPrimitives.Sum(vals);
            switch (o.Measure)
            {
                case SimilarityMeasure.Cosine:
                    source[i] = target[i] = MathF.Sqrt(sumSquares);
                    break;
                case SimilarityMeasure.AsymmetricCosine:
                    source[i] = MathF.Pow(sumSquares, o.Alpha);
                    target[i] = MathF.Pow(sumSquares, 1f - o.Alpha + o.PopularityPenalty);
                    break;
                case SimilarityMeasure.Jaccard:
                    source[i] = target[i] = sum;
                    break;
                case SimilarityMeasure.Lift:
                    source[i] = target[i] = sum;
                    break;
                default:
                    source[i] = target[i] = 1f;
                    break;
            }
        }

        return (source, target);
    }

    /// <summary>Per-thread buffers sized to the item count (shared with the content build).</summary>
    internal sealed class Workspace(int nItems)
    {
        public float[] Accumulator { get; } = new float[nItems];

        public int[] Indices { get; } = new int[nItems];

        public float[] Values { get; } = new float[nItems];

        public float[] Scratch { get; } = new float[nItems];

        public int[] OutPositions { get; } = new int[nItems];

        public float[] OutValues { get; } = new float[nItems];
    }
}
