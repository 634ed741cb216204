namespace MaaS.Cli.Commands;

/// <summary>Draws learning curves (mean reward per window) as a self-contained SVG line chart, for the docs.</summary>
internal static class LearningCurveSvg
{
    private static readonly string[] Colours = ["#9e9e9e", "#ff9800", "#212121", "#1e88e5", "#43a047", "#8e24aa", "#e53935"];

    public static string Draw(string title, IReadOnlyList<SimulationResult> runs, int window)
    {
        const int Width = 720, Height = 400, Left = 60, Right = 250, Top = 40, Bottom = 50;
        int points = runs.Max(r => r.Curve.Count);
        double X(int i) => Left + ((Width - Left - Right) * (points <= 1 ? 0 : (double)i / (points - 1)));
        double Y(double v) => Top + ((Height - Top - Bottom) * (1 - v));
        string N(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" font-family="sans-serif" font-size="12">""").Append('\n');
        svg.Append(CultureInfo.InvariantCulture, $"""<rect width="{Width}" height="{Height}" fill="white"/><text x="{Left}" y="22" font-size="14">{title}</text>""").Append('\n');
        for (int t = 0; t <= 10; t += 2)
        {
            double v = t / 10.0;
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Left}" x2="{N(X(points - 1))}" y1="{N(Y(v))}" y2="{N(Y(v))}" stroke="#e0e0e0"/><text x="{Left - 8}" y="{N(Y(v) + 4)}" text-anchor="end">{v:F1}</text>""").Append('\n');
        }
        svg.Append(CultureInfo.InvariantCulture, $"""<text x="{N((Left + X(points - 1)) / 2)}" y="{Height - 12}" text-anchor="middle">decisions (mean expected reward per {window:N0})</text>""").Append('\n');
        for (int i = 0; i < points; i += Math.Max(1, points / 5))
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{N(X(i))}" y="{Height - Bottom + 18}" text-anchor="middle">{(i + 1) * window:N0}</text>""").Append('\n');
        }
        for (int r = 0; r < runs.Count; r++)
        {
            string colour = Colours[r % Colours.Length];
            string path = string.Join(' ', runs[r].Curve.Select((v, i) => $"{N(X(i))},{N(Y(v))}"));
            svg.Append(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>""").Append('\n');
            double ly = Top + 10 + (r * 20);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{Width - Right + 15}" x2="{Width - Right + 40}" y1="{N(ly)}" y2="{N(ly)}" stroke="{colour}" stroke-width="3"/><text x="{Width - Right + 46}" y="{N(ly + 4)}">{System.Security.SecurityElement.Escape(runs[r].Name)}</text>""").Append('\n');
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
