using System.Text;
using System.Text.Encodings.Web;

namespace MaaS.Dashboard.Charts;

/// <summary>
/// The dashboard's charts as inline SVG, drawn on the server (no script, no library): line charts over a shared x axis
/// and horizontal bar charts, each with axes, tick labels, a legend, and <c>&lt;title&gt;</c>/<c>&lt;desc&gt;</c> for
/// screen readers. Every value is also written as a <c>data-values</c> attribute, so tests and scripts read the numbers
/// a chart was drawn from. Colours are the Okabe–Ito palette (distinguishable with colour blindness), set as SVG
/// attributes because the dashboard's content security policy allows no inline styles. Pure and thread-safe.
/// </summary>
public static class SvgCharts
{
    private static readonly string[] Palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
    private const int Width = 640, Height = 250, Left = 56, Right = 12, Top = 22, Bottom = 36;

    /// <summary>A line chart; <paramref name="xLabels"/> names every x position (a few are printed on the axis).</summary>
    public static string Line(string id, string title, string description, IReadOnlyList<string> xLabels, IReadOnlyList<ChartSeries> series, string unit)
    {
        var sb = Open(id, title, description, "line", series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value));
        int n = Math.Max(1, xLabels.Count);
        double max = NiceMax(series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max());
        YAxis(sb, max, unit);
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double X(int i) => Left + (n == 1 ? plotWidth / 2 : plotWidth * i / (n - 1));
        double Y(double v) => Top + plotHeight - (plotHeight * v / max);

        int ticks = Math.Min(6, n);
        for (int t = 0; t < ticks; t++)
        {
            int i = ticks == 1 ? 0 : (int)Math.Round((double)t * (n - 1) / (ticks - 1));
            string anchor = t == 0 ? "start" : t == ticks - 1 ? "end" : "middle";
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(i))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"{anchor}\" class=\"tick\">{E(i < xLabels.Count ? xLabels[i] : "")}</text>");
        }

        for (int s = 0; s < series.Count; s++)
        {
            string colour = Palette[s % Palette.Length];
            var path = new StringBuilder();
            bool pen = false;
            for (int i = 0; i < series[s].Values.Count; i++)
            {
                if (series[s].Values[i] is not { } v)
                {
                    pen = false;
                    continue;
                }

                path.Append(pen ? 'L' : 'M').Append(F(X(i))).Append(',').Append(F(Y(v))).Append(' ');
                pen = true;
            }

            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" data-series=\"{E(series[s].Name)}\" data-values=\"{Values(series[s].Values)}\"/>");
            // A line of one point draws nothing: mark the points where there are few enough to tell apart.
            int points = series[s].Values.Count(v => v.HasValue);
            if (points <= 40)
            {
                for (int i = 0; i < series[s].Values.Count; i++)
                {
                    if (series[s].Values[i] is { } v)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(i))}\" cy=\"{F(Y(v))}\" r=\"3\" fill=\"{colour}\"/>");
                    }
                }
            }
        }

        Legend(sb, series.Select(s => s.Name).ToList());
        return sb.Append("</svg>").ToString();
    }

    /// <summary>A horizontal bar chart, one bar per label, longest first as given.</summary>
    /// <param name="id">The element id.</param>
    /// <param name="title">The accessible title.</param>
    /// <param name="description">The accessible description.</param>
    /// <param name="bars">The bars.</param>
    /// <param name="unit">What the values count, written under the axis and in each bar's tooltip.</param>
    /// <param name="valueUnit">Written after each bar's value at its end (a rate's <c>%</c>), where the axis' unit is too far to read it by.</param>
    public static string Bars(string id, string title, string description, IReadOnlyList<ChartBar> bars, string unit, string? valueUnit = null)
    {
        const int barHeight = 18, gap = 6, labelWidth = 180;
        int height = Top + Bottom + Math.Max(1, bars.Count) * (barHeight + gap);
        var sb = Open(id, title, description, "bar", bars.Select(b => b.Value), height);
        double max = NiceMax(bars.Select(b => b.Value).DefaultIfEmpty(0).Max());
        double plotWidth = Width - labelWidth - Right - 60;
        for (int i = 0; i < bars.Count; i++)
        {
            double y = Top + (i * (barHeight + gap));
            double w = Math.Max(0, plotWidth * bars[i].Value / max);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{F(y + 13)}\" text-anchor=\"end\" class=\"label\">{E(Shorten(bars[i].Label, 28))}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{F(y)}\" width=\"{F(w)}\" height=\"{barHeight}\" fill=\"{Palette[0]}\"><title>{E(bars[i].Label)}: {E(Number(bars[i].Value))} {E(unit)}</title></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelWidth + w + 4)}\" y=\"{F(y + 13)}\" class=\"value\">{E(Number(bars[i].Value))}{E(valueUnit ?? string.Empty)}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{labelWidth}\" y1=\"{Top - 2}\" x2=\"{labelWidth}\" y2=\"{height - Bottom + 2}\" stroke=\"#444\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth}\" y=\"{height - 10}\" class=\"tick\">{E(unit)} (0 – {E(Number(max))})</text>");
        return sb.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string id, string title, string description, string kind, IEnumerable<double> values, int height = Height)
    {
        var sb = new StringBuilder(4096);
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{E(id)}\" class=\"chart chart-{kind}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"{E(id)}-title {E(id)}-desc\" data-total=\"{F(values.Sum())}\" xmlns=\"http://www.w3.org/2000/svg\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{E(id)}-title\">{E(title)}</title><desc id=\"{E(id)}-desc\">{E(description)}</desc>");
        return sb;
    }

    private static void YAxis(StringBuilder sb, double max, string unit)
    {
        double plotHeight = Height - Top - Bottom;
        for (int t = 0; t <= 4; t++)
        {
            double v = max * t / 4;
            double y = Top + plotHeight - (plotHeight * t / 4);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"{(t == 0 ? "#444" : "#ddd")}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" class=\"tick\">{E(Number(v))}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#444\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Top - 10}\" text-anchor=\"end\" class=\"tick\">{E(unit)}</text>");
    }

    private static void Legend(StringBuilder sb, List<string> names)
    {
        double x = Left;
        for (int s = 0; s < names.Count && s < Palette.Length; s++)
        {
            string name = Shorten(names[s], 24);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{Height - 12}\" width=\"10\" height=\"10\" fill=\"{Palette[s]}\"/><text x=\"{F(x + 14)}\" y=\"{Height - 3}\" class=\"legend\">{E(name)}</text>");
            x += 26 + (name.Length * 7.2);
        }
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten at or above the largest value, so ticks are round numbers.</summary>
    internal static double NiceMax(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (double m in (double[])[1, 2, 2.5, 5, 10])
        {
            if (m * power >= max)
            {
                return m * power;
            }
        }

        return 10 * power;
    }

    /// <summary>A number as a reader wants it: no more than three significant decimals, thousands grouped.</summary>
    public static string Number(double value) =>
        Math.Abs(value) >= 100 || value == Math.Floor(value)
            ? value.ToString("#,0", CultureInfo.InvariantCulture)
            : value.ToString(Math.Abs(value) >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture);

    private static string Values(IReadOnlyList<double?> values) =>
        string.Join(' ', values.Select(v => v is { } x ? F(x) : "-"));

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string F(double v) => Math.Round(v, 3).ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
