namespace MaaS.Recommendations.Similarity;

/// <summary>Top-k neighbour lists in CSR form: row i lists item i's neighbours in ascending item order with float weights.</summary>
internal sealed record NeighbourGraph(int[] Offsets, int[] Neighbours, float[] Weights)
{
    public int ItemCount => Offsets.Length - 1;

    public ReadOnlySpan<int> Row(int item) => Neighbours.AsSpan(Offsets[item], Offsets[item + 1] - Offsets[item]);

    public ReadOnlySpan<float> RowWeights(int item) => Weights.AsSpan(Offsets[item], Offsets[item + 1] - Offsets[item]);

    /// <summary>Scales each row to sum 1 (rows summing to zero stay as they are).</summary>
    public void NormalizeRows()
    {
        for (int i = 0; i < ItemCount; i++)
        {
            var row = Weights.AsSpan(Offsets[i], Offsets[i + 1] - Offsets[i]);
            float sum = System.Numerics.Tensors.TensorPrimitives.Sum(row);
            if (sum > 0f)
            {
                System.Numerics.Tensors.TensorPrimitives.Divide(row, sum, row);
            }
        }
    }

    /// <summary>Assembles the CSR from per-item lists (already sorted by item).</summary>
    public static NeighbourGraph FromRows(int[][] rows, float[][] weights)
    {
        var offsets = new int[rows.Length + 1];
        for (int i = 0; i < rows.Length; i++)
        {
            offsets[i + 1] = offsets[i] + rows[i].Length;
        }

        var neighbours = new int[offsets[^1]];
        var w = new float[offsets[^1]];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(neighbours, offsets[i]);
            weights[i].CopyTo(w, offsets[i]);
        }

        return new NeighbourGraph(offsets, neighbours, w);
    }
}
