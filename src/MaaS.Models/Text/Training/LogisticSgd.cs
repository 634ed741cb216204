namespace MaaS.Models.Text.Training;

/// <summary>
/// Binary L2-regularised logistic regression by plain SGD over one seeded example order. Deterministic: one call
/// runs on one thread and depends only on its inputs and seed. (Hogwild-style shared updates from many threads would
/// not be: their result depends on scheduling. Parallelism comes from running independent problems, such as labels
/// or folds, at once.)
/// </summary>
internal static class LogisticSgd
{
    /// <summary>Trains; returns weights per compact column and the bias.</summary>
    /// <param name="data">Rows.</param>
    /// <param name="targets">0 or 1 per row.</param>
    /// <param name="columnScale">Optional per-column factor applied to feature values (NB log-count ratios).</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="seed">Seed of the example order.</param>
    /// <param name="cancellationToken">Checked before each epoch (one pass over the rows), never per row.</param>
    public static (double[] Weights, double Bias) Train(SparseDataset data, float[] targets, double[]? columnScale, LogisticOptions options, int seed, CancellationToken cancellationToken)
    {
        int n = data.RowCount;
        var w = new double[data.ColumnCount];
        var average = new double[data.ColumnCount];
        double averageBias = 0;
        int averaged = 0;
        double scale = 1, bias = 0;
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        long t = 0;
        int[] starts = data.RowStart, columns = data.Columns;
        double[] x = new double[data.Values.Length];
        for (int k = 0; k < x.Length; k++)
        {
            x[k] = columnScale is null ? data.Values[k] : data.Values[k] * columnScale[columns[k]];
        }

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rng.Shuffle(order);
            foreach (int row in order)
            {
                double eta = options.LearningRate / (1 + options.Lambda * options.LearningRate * t++);
                double dot = 0;
                for (int k = starts[row]; k < starts[row + 1]; k++)
                {
                    dot += w[columns[k]] * x[k];
                }

                double z = scale * dot + bias;
                double g = Sigmoid(z) - targets[row];
                // L2 shrink of every weight at once through the shared scale (Bottou's trick): O(nnz) per step.
                scale *= 1 - eta * options.Lambda;
                double step = eta * g / scale;
                for (int k = starts[row]; k < starts[row + 1]; k++)
                {
                    w[columns[k]] -= step * x[k];
                }

                bias -= eta * g;
                if (scale < 1e-9)
                {
                    Rescale(w, ref scale);
                }
            }

            // Averaging the end-of-epoch iterates of the second half damps SGD's last-steps noise.
            if (epoch >= options.Epochs / 2)
            {
                for (int j = 0; j < w.Length; j++)
                {
                    average[j] += w[j] * scale;
                }

                averageBias += bias;
                averaged++;
            }
        }

        for (int j = 0; j < average.Length; j++)
        {
            average[j] /= averaged;
        }

        return (average, averageBias / averaged);
    }

    /// <summary>Logistic function, stable for large |z|.</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static void Rescale(double[] w, ref double scale)
    {
        for (int j = 0; j < w.Length; j++)
        {
            w[j] *= scale;
        }

        scale = 1;
    }
}
