namespace MaaS.Dashboard;

/// <summary>One row of a traffic table: a family, a model or the total, over the window read.</summary>
public sealed record TrafficSummary(string Name, long Requests, double RequestsPerSecond, double ErrorRate, long ServerErrors, long ClientErrors, long Throttled, double? P50, double? P99);

/// <summary>Turns ring reads into tables and charts, for the viewer's series only.</summary>
internal static class TrafficViews
{
    /// <summary>The operator sees every series; an admin the series of its tenant.</summary>
    public static Func<TrafficSeriesKey, bool> Visible(DashboardViewer viewer) =>
        viewer.IsOperator ? _ => true : key => key.Tenant == viewer.Tenant;

    public static TrafficSummary Summary(string name, TrafficSteps steps, int windowSeconds)
    {
        long requests = steps.TotalRequests;
        return new TrafficSummary(
            name,
            requests,
            (double)requests / windowSeconds,
            requests == 0 ? 0 : (double)steps.TotalServerErrors / requests,
            steps.TotalServerErrors,
            steps.TotalClientErrors,
            steps.TotalThrottled,
            steps.LatencyQuantile(0.5),
            steps.LatencyQuantile(0.99));
    }

    /// <summary>The end of each step, UTC (the pages say so).</summary>
    public static IReadOnlyList<string> TimeLabels(TrafficWindow window)
    {
        var labels = new string[window.Steps];
        for (int i = 0; i < window.Steps; i++)
        {
            var at = window.ReadAt.AddSeconds(-(window.Steps - 1 - i) * window.StepSeconds);
            labels[i] = at.ToString(window.StepSeconds >= 60 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);
        }

        return labels;
    }

    public static ChartSeries Rate(string name, TrafficSteps steps, int stepSeconds) =>
        new(name, [.. Enumerable.Range(0, steps.Count).Select(i => (double?)steps.Requests(i) / stepSeconds)]);

    public static ChartSeries ErrorRate(string name, TrafficSteps steps) =>
        new(name, [.. Enumerable.Range(0, steps.Count).Select(i => steps.Requests(i) is > 0 and var n ? (double?)(100.0 * steps.ServerErrors(i) / n) : null)]);

    public static ChartSeries Quantile(string name, TrafficSteps steps, double q) =>
        new(name, [.. Enumerable.Range(0, steps.Count).Select(i => steps.LatencyQuantile(q, i))]);

    /// <summary>The largest <paramref name="top"/> series, the rest summed as "other", so a legend stays readable.</summary>
    public static IReadOnlyList<(string Name, TrafficSteps Steps)> Top(IReadOnlyList<(string Name, TrafficSteps Steps)> series, int top, int steps) =>
        series.Count <= top
            ? series
            : [.. series.Take(top - 1), ("other", TrafficSteps.Sum(series.Skip(top - 1).Select(s => s.Steps), steps))];
}
