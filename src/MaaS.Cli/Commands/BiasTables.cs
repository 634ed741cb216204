namespace MaaS.Cli.Commands;

/// <summary>The beyond-accuracy side of <c>maas evaluate</c>: bias measures beside nDCG, exposure by an item attribute, and the
/// debias trade-off sweep with its curve.</summary>
internal static class BiasTables
{
    /// <summary>Coverage, Gini, novelty, ARP and popularity lift of each row, beside its nDCG.</summary>
    public static void Print(IReadOnlyList<(string Name, EvaluationReport Report)> rows, int k)
    {
        var table = new ResultTable("Beyond accuracy (popularity = training users per item; lift = ARP / profile ARP, 1 = as popular as the users' own histories)");
        table.AddColumns("list", $"nDCG@{k}", "coverage", "Gini", "novelty bits", "ARP", "profile ARP", "pop. lift");
        foreach (var (name, r) in rows)
        {
            if (r.Bias is { } b)
            {
                table.AddRow(name, F(r.Metrics.Ndcg), F(b.Coverage), F(b.Gini), F2(b.Novelty), F2(b.Arp), F2(b.ProfileArp), F(b.PopularityLift));
            }
        }

        table.Write();
    }

    /// <summary>Exposure by an item attribute of one row: its share of the recommended slots against the share in the users' histories.</summary>
    public static void PrintGroups(string name, EvaluationReport report, string attribute)
    {
        if (report.Bias is not { Groups.Count: > 0 } bias)
        {
            return;
        }

        var table = new ResultTable($"Exposure by {attribute}, {name} (each slot split evenly over its item's values)");
        table.AddColumns(attribute, "recommended", "histories", "ratio");
        foreach (var g in bias.Groups)
        {
            table.AddRow(g.Group, F(g.RecommendedShare), F(g.ProfileShare), g.ProfileShare > 0 ? F2(g.RecommendedShare / g.ProfileShare) : "");
        }

        table.Write();
    }

    /// <summary>The trade-off table of a strength sweep; the first row is the baseline the relative nDCG change is measured from.</summary>
    public static void PrintSweep(string method, IReadOnlyList<(float Strength, EvaluationReport Report)> sweep, int k)
    {
        var baseline = sweep[0].Report;
        var table = new ResultTable($"Debias trade-off ({method} re-ranking; Δ relative to strength {S(sweep[0].Strength)})");
        table.AddColumns("strength", $"nDCG@{k}", "ΔnDCG", "coverage", "× coverage", "Gini", "novelty bits", "pop. lift");
        foreach (var (strength, r) in sweep)
        {
            var b = r.Bias!;
            table.AddRow(
                S(strength), F(r.Metrics.Ndcg), Percent((r.Metrics.Ndcg / baseline.Metrics.Ndcg) - 1), F(b.Coverage), F2(b.Coverage / baseline.Bias!.Coverage), F(b.Gini),
                F2(b.Novelty), F(b.PopularityLift));
        }

        table.Write();
    }

    /// <summary>Writes the sweep as an SVG: nDCG@K against coverage, one point per strength, labelled.</summary>
    public static void WriteCurve(string path, string method, IReadOnlyList<(float Strength, EvaluationReport Report)> sweep, int k)
    {
        const double width = 660, height = 420, left = 70, right = 60, top = 40, bottom = 60;
        var xs = sweep.Select(s => s.Report.Bias!.Coverage).ToArray();
        var ys = sweep.Select(s => s.Report.Metrics.Ndcg).ToArray();
        double x0 = Math.Floor(xs.Min() * 20) / 20, x1 = Math.Ceiling(xs.Max() * 20) / 20;
        double y0 = Math.Floor(ys.Min() * 50) / 50, y1 = Math.Ceiling(ys.Max() * 50) / 50;
        x1 = Math.Max(x1, x0 + 0.05);
        y1 = Math.Max(y1, y0 + 0.02);
        double X(double v) => left + ((v - x0) / (x1 - x0) * (width - left - right));
        double Y(double v) => height - bottom - ((v - y0) / (y1 - y0) * (height - top - bottom));
        var svg = new System.Text.StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Inv($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{method} re-ranking on ml-100k: nDCG@{k} against catalogue coverage</text>\n"));
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n"));
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n"));
        for (double v = x0; v <= x1 + 1e-9; v += 0.05)
        {
            svg.Append(Inv($"<text x=\"{X(v):F1}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{v:F2}</text>\n"));
        }

        for (double v = y0; v <= y1 + 1e-9; v += 0.02)
        {
            svg.Append(Inv($"<text x=\"{left - 8}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\">{v:F2}</text>\n"));
            svg.Append(Inv($"<line x1=\"{left}\" y1=\"{Y(v):F1}\" x2=\"{width - right}\" y2=\"{Y(v):F1}\" stroke=\"#ddd\"/>\n"));
        }

        // The goal's corner: at most 2% of the baseline's nDCG lost, at least twice its coverage.
        double goalY = ys[0] * 0.98, goalX = xs[0] * 2;
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{Y(goalY):F1}\" x2=\"{width - right}\" y2=\"{Y(goalY):F1}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n"));
        if (goalX <= x1)
        {
            svg.Append(Inv($"<line x1=\"{X(goalX):F1}\" y1=\"{top}\" x2=\"{X(goalX):F1}\" y2=\"{height - bottom}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n"));
        }

        svg.Append(Inv($"<polyline fill=\"none\" stroke=\"#1f6fb2\" stroke-width=\"2\" points=\"{string.Join(' ', xs.Zip(ys, (x, y) => Inv($"{X(x):F1},{Y(y):F1}")))}\"/>\n"));
        for (int i = 0; i < sweep.Count; i++)
        {
            svg.Append(Inv($"<circle cx=\"{X(xs[i]):F1}\" cy=\"{Y(ys[i]):F1}\" r=\"4\" fill=\"#1f6fb2\"/>\n"));
            svg.Append(Inv($"<text x=\"{X(xs[i]) + 6:F1}\" y=\"{Y(ys[i]) - 6:F1}\">λ={S(sweep[i].Strength)}</text>\n"));
        }

        svg.Append(Inv($"<text x=\"{(left + width - right) / 2}\" y=\"{height - 15}\" text-anchor=\"middle\">catalogue coverage (dashed: 2× the baseline's)</text>\n"));
        svg.Append(Inv($"<text transform=\"translate(18 {(top + height - bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">nDCG@{k} (dashed: −2%)</text>\n"));
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);

    private static string F2(double x) => x.ToString("F2", CultureInfo.InvariantCulture);

    private static string S(float x) => x.ToString("0.0#", CultureInfo.InvariantCulture);

    private static string Percent(double x) => x.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
}
