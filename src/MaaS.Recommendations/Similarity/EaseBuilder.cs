namespace MaaS.Recommendations.Similarity;

/// <summary>
/// EASE (Steck 2019) as an item-item similarity: the closed-form weights B = I - P·diag(1/diag P) with
/// P = (XᵀX + λI)⁻¹, sparsified to the top-k positive weights per source row so it is scored like any neighbour list.
/// O(items²) memory and O(items³) time: a cancelled build stops between rows of the Gram and top-k passes and between
/// pivots of the inverse (each pivot is one items² pass), then throws <see cref="OperationCanceledException"/>.
/// </summary>
internal static class EaseBuilder
{
    public static NeighbourGraph Build(InteractionMatrix m, SimilarityOptions o, CancellationToken cancellationToken = default)
    {
        int n = m.Items.Count;
        if (n > SimilarityOptions.MaxDenseItems)
        {
            throw new ArgumentException($"EASE needs a dense {n}×{n} matrix; the limit is {SimilarityOptions.MaxDenseItems} items.", nameof(m));
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        float[] userFactor = SimilarityBuilder.UserFactors(m, o.UserDegreeExponent);
        var g = new float[(long)n * n];
        Parallel.For(0, n, parallel, i =>
        {
            var row = g.AsSpan(i * n, n);
            for (int k = m.ItemOffsets[i]; k < m.ItemOffsets[i + 1]; k++)
            {
                int u = m.ItemUsers[k];
                ScatterAdd.RunUnchecked(row, m.UserItems(u), m.UserValues(u), m.ItemValues[k] * userFactor[u]);
            }

            row[i] += o.EaseLambda;
        });

        InvertSymmetricPositiveDefinite(g, n, parallel);
        var negInvDiag = new float[n];
        for (int j = 0; j < n; j++)
        {
            negInvDiag[j] = -1f / g[((long)j * n) + j];
        }

        var rows = new int[n][];
        var weights = new float[n][];
        Parallel.For(0, n, parallel, () => (new float[n], new int[n], new float[n], new float[n]), (i, _, ws) =>
        {
            var (buf, pos, val, scratch) = ws;
            TensorPrimitives.Multiply(g.AsSpan(i * n, n), negInvDiag, buf);
            buf[i] = 0f;
            if (o.Locality != 1f)
            {
                // Locality acts on the positive weights only; negatives are dropped by the top-k floor anyway.
                TensorPrimitives.Max(buf, 0f, buf);
                TensorPrimitives.Pow(buf, o.Locality, buf);
            }

            int kept = ThresholdSelector.Select(buf, o.TopK, 0f, pos, val, scratch);
            rows[i] = pos.AsSpan(0, kept).ToArray();
            weights[i] = val.AsSpan(0, kept).ToArray();
            return ws;
        }, _ => { });
        return NeighbourGraph.FromRows(rows, weights);
    }

    /// <summary>In-place Gauss-Jordan inverse without pivoting (safe for SPD matrices); each pivot's row updates are
    /// AXPYs over TensorPrimitives, spread over threads. Stops before a pivot once <paramref name="parallel"/>'s token is
    /// cancelled, leaving <paramref name="a"/> half inverted.</summary>
    internal static void InvertSymmetricPositiveDefinite(float[] a, int n, ParallelOptions parallel)
    {
        var pivotRow = new float[n];
        for (int p = 0; p < n; p++)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            var rowP = a.AsSpan(p * n, n);
            float d = 1f / rowP[p];
            rowP[p] = 1f;
            TensorPrimitives.Multiply(rowP, d, rowP);
            rowP.CopyTo(pivotRow);
            int pivot = p;
            Parallel.For(0, n, parallel, i =>
            {
                if (i == pivot)
                {
                    return;
                }

                var rowI = a.AsSpan(i * n, n);
                float f = rowI[pivot];
                if (f == 0f)
                {
                    return;
                }

                rowI[pivot] = 0f;
                TensorPrimitives.MultiplyAdd(pivotRow, -f, rowI, rowI);
            });
        }
    }
}
