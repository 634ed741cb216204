namespace MaaS.Models.Text.Training;

/// <summary>Multi-label quality: micro/macro precision-recall-F1 of decided tags and precision@k of the ranking.</summary>
/// <param name="MicroPrecision">Micro precision.</param>
/// <param name="MicroRecall">Micro recall.</param>
/// <param name="MicroF1">Micro F1.</param>
/// <param name="MacroF1">Mean over labels of per-label F1 (labels without any true or predicted use are skipped).</param>
/// <param name="PrecisionAt1">Share of top-1 labels that are true.</param>
/// <param name="PrecisionAt3">Share of top-3 labels that are true.</param>
/// <param name="Count">Examples.</param>
public sealed record MultiLabelMetrics(double MicroPrecision, double MicroRecall, double MicroF1, double MacroF1, double PrecisionAt1, double PrecisionAt3, int Count)
{
    /// <summary>Computes the metrics from decided labels, scores (for the ranking) and the truth.</summary>
    public static MultiLabelMetrics Compute(IReadOnlyList<int[]> predicted, IReadOnlyList<float[]> scores, IReadOnlyList<int[]> truth, int labelCount)
    {
        var tp = new int[labelCount];
        var fp = new int[labelCount];
        var fn = new int[labelCount];
        double hitsAt1 = 0, hitsAt3 = 0;
        for (int i = 0; i < truth.Count; i++)
        {
            var actual = new HashSet<int>(truth[i]);
            foreach (int label in predicted[i])
            {
                if (actual.Contains(label))
                {
                    tp[label]++;
                }
                else
                {
                    fp[label]++;
                }
            }

            foreach (int label in actual.Where(l => !predicted[i].Contains(l)))
            {
                fn[label]++;
            }

            var ranked = Enumerable.Range(0, labelCount).OrderByDescending(j => scores[i][j]).ThenBy(j => j).Take(3).ToArray();
            hitsAt1 += actual.Contains(ranked[0]) ? 1 : 0;
            hitsAt3 += ranked.Count(actual.Contains) / 3.0;
        }

        double p = Ratio(tp.Sum(), tp.Sum() + fp.Sum()), r = Ratio(tp.Sum(), tp.Sum() + fn.Sum());
        var perLabel = Enumerable.Range(0, labelCount)
            .Where(j => tp[j] + fp[j] + fn[j] > 0)
            .Select(j => Ratio(2 * tp[j], 2 * tp[j] + fp[j] + fn[j]))
            .ToList();
        int n = Math.Max(1, truth.Count);
        return new MultiLabelMetrics(p, r, Ratio(2 * p * r, p + r), perLabel.Count == 0 ? 0 : perLabel.Average(), hitsAt1 / n, hitsAt3 / n, truth.Count);
    }

    private static double Ratio(double a, double b) => b == 0 ? 0 : a / b;
}
