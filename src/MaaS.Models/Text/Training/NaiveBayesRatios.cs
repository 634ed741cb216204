namespace MaaS.Models.Text.Training;

/// <summary>
/// NBSVM's log-count ratios r = log((p/‖p‖₁) / (q/‖q‖₁)) over binarised features, with smoothing α. Dense columns
/// (feature ids from <c>denseFrom</c>: embedding components, which are not counts) get r = 1 and stay out of the sums.
/// </summary>
internal static class NaiveBayesRatios
{
    public static double[] Compute(SparseDataset data, float[] targets, double alpha, int denseFrom = int.MaxValue)
    {
        var p = new double[data.ColumnCount];
        var q = new double[data.ColumnCount];
        Array.Fill(p, alpha);
        Array.Fill(q, alpha);
        for (int row = 0; row < data.RowCount; row++)
        {
            var counts = targets[row] > 0.5f ? p : q;
            for (int k = data.RowStart[row]; k < data.RowStart[row + 1]; k++)
            {
                if (data.Values[k] > 0)
                {
                    counts[data.Columns[k]] += 1;
                }
            }
        }

        double pSum = 0, qSum = 0;
        for (int j = 0; j < p.Length; j++)
        {
            if (data.ColumnIds[j] < denseFrom)
            {
                pSum += p[j];
                qSum += q[j];
            }
        }

        var r = new double[data.ColumnCount];
        for (int j = 0; j < r.Length; j++)
        {
            r[j] = data.ColumnIds[j] < denseFrom ? Math.Log(p[j] / pSum) - Math.Log(q[j] / qSum) : 1.0;
        }

        return r;
    }
}
