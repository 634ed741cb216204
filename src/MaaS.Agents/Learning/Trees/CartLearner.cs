namespace MaaS.Agents.Learning.Trees;

/// <summary>How deep and how fine a CART tree may grow.</summary>
/// <param name="MaxDepth">Deepest branch level (the root is depth 0).</param>
/// <param name="MinLeaf">Fewest training rows a leaf may hold.</param>
public sealed record CartSettings(int MaxDepth = 6, int MinLeaf = 5);

/// <summary>
/// CART (Breiman et al. 1984) for classification: greedy binary splits <c>x[f] &lt;= t</c> that most reduce the Gini
/// impurity, thresholds halfway between consecutive distinct float values, grown depth-first until a node is pure, at
/// <see cref="CartSettings.MaxDepth"/>, or no split leaves <see cref="CartSettings.MinLeaf"/> rows on each side.
/// Deterministic: ties between splits go to the lower feature, then the lower threshold.
/// </summary>
public static class CartLearner
{
    /// <summary>Fits a tree to <paramref name="rows"/> (row-major, <paramref name="features"/> per row) and their labels.</summary>
    public static DecisionTree Fit(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int features, int classes, CartSettings? settings = null)
    {
        settings ??= new CartSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MinLeaf, 1, nameof(settings));
        if (labels.Length == 0 || rows.Length != labels.Length * features)
        {
            throw new ArgumentException($"Expected {labels.Length} rows of {features} features, got {rows.Length} values.", nameof(rows));
        }
        foreach (int label in labels)
        {
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must be in [0, {classes}).");
            }
        }
        var builder = new Builder(rows.ToArray(), labels.ToArray(), features, classes, settings);
        builder.Grow([.. Enumerable.Range(0, labels.Length)], 0);
        return builder.ToTree();
    }

    private sealed class Builder(float[] rows, int[] labels, int features, int classes, CartSettings settings)
    {
        private readonly List<int> _feature = [];
        private readonly List<float> _threshold = [];
        private readonly List<int> _true = [];
        private readonly List<int> _false = [];
        private readonly List<float> _distribution = [];

        public int Grow(int[] members, int depth)
        {
            int node = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _true.Add(-1);
            _false.Add(-1);
            var counts = new double[classes];
            foreach (int m in members)
            {
                counts[labels[m]]++;
            }
            for (int c = 0; c < classes; c++)
            {
                _distribution.Add((float)(counts[c] / members.Length));
            }
            if (depth >= settings.MaxDepth || counts.Max() == members.Length || BestSplit(members, counts) is not { } split)
            {
                return node;
            }
            int[] left = [.. members.Where(m => rows[(m * features) + split.Feature] <= split.Threshold)];
            int[] right = [.. members.Where(m => rows[(m * features) + split.Feature] > split.Threshold)];
            _feature[node] = split.Feature;
            _threshold[node] = split.Threshold;
            for (int c = 0; c < classes; c++)
            {
                _distribution[(node * classes) + c] = 0;
            }
            _true[node] = Grow(left, depth + 1);
            _false[node] = Grow(right, depth + 1);
            return node;
        }

        public DecisionTree ToTree() => new(features, classes, [.. _feature], [.. _threshold], [.. _true], [.. _false], [.. _distribution]);

        private (int Feature, float Threshold)? BestSplit(int[] members, double[] total)
        {
            int n = members.Length;
            double best = Gini(total, n) * n - 1e-12;
            (int, float)? chosen = null;
            var order = new int[n];
            var left = new double[classes];
            var right = new double[classes];
            for (int f = 0; f < features; f++)
            {
                members.CopyTo(order, 0);
                Array.Sort(order, (a, b) => rows[(a * features) + f].CompareTo(rows[(b * features) + f]));
                Array.Clear(left);
                total.CopyTo(right, 0);
                for (int i = 0; i < n - 1; i++)
                {
                    int label = labels[order[i]];
                    left[label]++;
                    right[label]--;
                    float here = rows[(order[i] * features) + f], next = rows[(order[i + 1] * features) + f];
                    if (here == next || i + 1 < settings.MinLeaf || n - i - 1 < settings.MinLeaf)
                    {
                        continue;
                    }
                    double impurity = (Gini(left, i + 1) * (i + 1)) + (Gini(right, n - i - 1) * (n - i - 1));
                    if (impurity < best)
                    {
                        best = impurity;
                        // The float midpoint can round onto the upper value; the lower one still separates the two sides.
                        float threshold = here + ((next - here) / 2);
                        chosen = (f, threshold < next ? threshold : here);
                    }
                }
            }
            return chosen;
        }

        private static double Gini(double[] counts, int n)
        {
            double sum = 0;
            foreach (double c in counts)
            {
                sum += c * c;
            }
            return 1 - (sum / ((double)n * n));
        }
    }
}
