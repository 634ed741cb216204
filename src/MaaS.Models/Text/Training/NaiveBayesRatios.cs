namespace MaaS.Models.Text.Training;

/// <summary>NBSVM's log-count ratios r = log((p/‖p‖₁) / (q/‖q‖₁)) over binarised features, with smoothing α.</summary>
internal static class NaiveBayesRatios
{
    public static double[] Compute(SparseDataset data, float[] targets, double alpha)
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

        double pSum = p.Sum(), qSum = q.Sum();
        var r = new double[data.ColumnCount];
        for (int j = 0; j < r.Length; j++)
        {
            r[j] = Math.Log(p[j] / pSum) - Math.Log(q[j] / qSum);
        }

        return r;
    }
}
