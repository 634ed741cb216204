namespace MaaS.Models.Text.Training;

/// <summary>
/// Fits a <see cref="VoteStacking"/>: per label, an L2 logistic regression on [linear probabilities ‖ their log-odds / 4 ‖
/// vote shares] (or without the log-odds) of out-of-fold rows, by full-batch Adam from zero (the inputs are 2 or 3 ·
/// labels values in [0, 1] or about ±2.3, so a few hundred steps settle it). Labels are fitted in parallel, each deterministic. Thread-safe (no shared state).
/// </summary>
internal static class VoteStacker
{
    private const int Steps = 300;
    private const float LearningRate = 0.05f;
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float AdamEpsilon = 1e-8f;

    /// <summary>Fits the layer.</summary>
    /// <param name="linear">Each row's out-of-fold linear probabilities.</param>
    /// <param name="votes">Each row's vote shares from neighbours outside its fold.</param>
    /// <param name="truth">Each row's labels.</param>
    /// <param name="labelCount">Labels.</param>
    /// <param name="lambda">L2 strength on the weights (not the bias).</param>
    /// <param name="logits">Give the layer the linear log-odds too (<see cref="VoteStacking.UsesLogits"/>).</param>
    /// <param name="cancellationToken">Checked before each Adam step of each label (one pass over the rows).</param>
    public static VoteStacking Fit(IReadOnlyList<float[]> linear, IReadOnlyList<float[]> votes, IReadOnlyList<int[]> truth, int labelCount, double lambda, bool logits = true, CancellationToken cancellationToken = default)
    {
        int n = linear.Count, k = labelCount, parts = logits ? 3 : 2, d = parts * k;
        var inputs = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            var row = inputs.AsSpan(i * d, d);
            linear[i].AsSpan(0, k).CopyTo(row);
            if (logits)
            {
                for (int j = 0; j < k; j++)
                {
                    row[k + j] = VoteStacking.Logit(linear[i][j]);
                }
            }

            votes[i].AsSpan(0, k).CopyTo(row[((parts - 1) * k)..]);
        }

        var weights = new float[d * k];
        var bias = new float[k];
        Parallel.For(0, k, TrainingLoops.On(cancellationToken), label =>
        {
            var targets = new float[n];
            for (int i = 0; i < n; i++)
            {
                targets[i] = truth[i].Contains(label) ? 1f : 0f;
            }

            var (w, b) = FitLabel(inputs, targets, d, (float)lambda, cancellationToken);
            for (int a = 0; a < d; a++)
            {
                weights[(a * k) + label] = w[a];
            }

            bias[label] = b;
        });

        return new VoteStacking(weights, bias);
    }

    private static (float[] Weights, float Bias) FitLabel(float[] inputs, float[] targets, int d, float lambda, CancellationToken cancellationToken)
    {
        int n = targets.Length;
        // Index d is the bias.
        var w = new float[d + 1];
        var m = new float[d + 1];
        var v = new float[d + 1];
        var gradient = new float[d + 1];
        for (int step = 1; step <= Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array.Clear(gradient);
            var g = gradient.AsSpan(0, d);
            for (int i = 0; i < n; i++)
            {
                var x = inputs.AsSpan(i * d, d);
                float z = w[d] + TensorPrimitives.Dot(x, w.AsSpan(0, d));
                float error = (1f / (1f + MathF.Exp(-z))) - targets[i];
                TensorPrimitives.MultiplyAdd(x, error, g, g);
                gradient[d] += error;
            }

            float correction1 = 1f - MathF.Pow(Beta1, step), correction2 = 1f - MathF.Pow(Beta2, step);
            for (int a = 0; a <= d; a++)
            {
                float ga = (gradient[a] / n) + (a < d ? lambda * w[a] : 0f);
                m[a] = (Beta1 * m[a]) + ((1 - Beta1) * ga);
                v[a] = (Beta2 * v[a]) + ((1 - Beta2) * ga * ga);
                w[a] -= LearningRate * (m[a] / correction1) / (MathF.Sqrt(v[a] / correction2) + AdamEpsilon);
            }
        }

        return (w[..d], w[d]);
    }
}
