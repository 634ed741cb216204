namespace MaaS.Models.Text.Training;

/// <summary>
/// Out-of-fold quality of a classifier: every row predicted by the model of the fold that did not train on it.
/// Fractions in [0, 1]. Immutable.
/// </summary>
/// <param name="Accuracy">Share of rows whose predicted label set equals the true one (single-label: plain accuracy).</param>
/// <param name="MacroF1">Mean per-label F1.</param>
/// <param name="MicroF1">F1 over every (row, label) decision.</param>
/// <param name="PerLabel">Precision, recall, F1 and support per label, in label order.</param>
/// <param name="ConfusionMatrix">Single-label only: [true label][predicted label] counts; null for multi-label.</param>
/// <param name="Rows">Rows evaluated.</param>
public sealed record ClassificationReport(
    double Accuracy, double MacroF1, double MicroF1, IReadOnlyList<LabelQuality> PerLabel, int[][]? ConfusionMatrix, int Rows)
{
    /// <summary>Computes the report from decided label sets and the truth.</summary>
    public static ClassificationReport Compute(IReadOnlyList<int[]> predicted, IReadOnlyList<int[]> truth, IReadOnlyList<string> labels, bool multiLabel)
    {
        int k = labels.Count;
        var tp = new int[k];
        var fp = new int[k];
        var fn = new int[k];
        var support = new int[k];
        int[][]? confusion = multiLabel ? null : [.. Enumerable.Range(0, k).Select(_ => new int[k])];
        int exact = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            var actual = truth[i];
            var decided = predicted[i];
            exact += actual.Length == decided.Length && !actual.Except(decided).Any() ? 1 : 0;
            foreach (int label in actual)
            {
                support[label]++;
                if (decided.Contains(label))
                {
                    tp[label]++;
                }
                else
                {
                    fn[label]++;
                }
            }

            foreach (int label in decided.Where(l => !actual.Contains(l)))
            {
                fp[label]++;
            }

            if (confusion is not null)
            {
                confusion[actual[0]][decided[0]]++;
            }
        }

        var perLabel = Enumerable.Range(0, k).Select(j => new LabelQuality(
            labels[j], Ratio(tp[j], tp[j] + fp[j]), Ratio(tp[j], tp[j] + fn[j]), Ratio(2 * tp[j], 2 * tp[j] + fp[j] + fn[j]), support[j])).ToList();
        int tpAll = tp.Sum(), fpAll = fp.Sum(), fnAll = fn.Sum();
        return new ClassificationReport(
            Ratio(exact, truth.Count), perLabel.Average(l => l.F1), Ratio(2 * tpAll, 2 * tpAll + fpAll + fnAll), perLabel, confusion, truth.Count);
    }

    private static double Ratio(double a, double b) => b == 0 ? 0 : a / b;
}

/// <summary>Quality of one label.</summary>
/// <param name="Label">The label.</param>
/// <param name="Precision">Share of rows given the label that have it.</param>
/// <param name="Recall">Share of rows that have the label and were given it.</param>
/// <param name="F1">Harmonic mean of the two.</param>
/// <param name="Support">Rows that have the label.</param>
public sealed record LabelQuality(string Label, double Precision, double Recall, double F1, int Support);
