using MaaS.Services.Recommendations.Index;

namespace MaaS.Dashboard;

/// <summary>
/// The overview: requests/s, 5xx rate and p50/p99 latency per endpoint family and per model over the last hour (or
/// the last 5 minutes), from the in-process <see cref="TrafficRing"/>, and the readiness of every model and version
/// the viewer may see, recommendation indexes included. Also as JSON at <c>/dashboard/data/traffic</c>.
/// </summary>
internal static class OverviewEndpoints
{
    internal static IResult Overview(
        int? window, HttpContext http, TrafficRing ring, ModelRegistry allModels, IModelRegistry tenantModels, RecommendationModels indexes)
    {
        var page = DashboardPage.Of(http);
        bool recent = window is > 0 and <= 300;
        var read = ring.Read(TrafficViews.Visible(page.Viewer), recent ? 300 : TrafficRing.Seconds, recent ? 5 : 60);
        int seconds = read.Steps * read.StepSeconds;
        var labels = TrafficViews.TimeLabels(read);
        var families = read.By(TrafficSeriesKind.Family);
        var models = read.By(TrafficSeriesKind.Model);
        var total = read.Total;
        string span = recent ? "the last 5 minutes, per 5 seconds (UTC)" : "the last hour, per minute (UTC)";

        var charts = new OverviewCharts(
            SvgCharts.Line("chart-requests", "Requests per second by endpoint family", $"Requests per second over {span}, one line per endpoint family; {total.TotalRequests} requests in all.",
                labels, [.. TrafficViews.Top(families, 6, read.Steps).Select(f => TrafficViews.Rate(f.Name, f.Steps, read.StepSeconds))], "req/s"),
            SvgCharts.Line("chart-errors", "Server error rate", $"Share of requests answered with a 5xx status over {span}, in percent.",
                labels, [TrafficViews.ErrorRate("5xx %", total)], "%"),
            SvgCharts.Line("chart-latency", "Latency p50 and p99", $"Median and 99th percentile request latency over {span}, in milliseconds (from histogram buckets).",
                labels, [TrafficViews.Quantile("p50", total, 0.5), TrafficViews.Quantile("p99", total, 0.99)], "ms"),
            SvgCharts.Line("chart-models", "Requests per second by model", $"Requests per second over {span}, one line per model named in the request path.",
                labels, [.. TrafficViews.Top(models, 6, read.Steps).Select(m => TrafficViews.Rate(m.Name, m.Steps, read.StepSeconds))], "req/s"));

        var model = new OverviewModel(
            page.Request,
            recent,
            span,
            TrafficViews.Summary("All traffic", total, seconds),
            [.. families.Select(f => TrafficViews.Summary(f.Name, f.Steps, seconds))],
            [.. models.Select(m => TrafficViews.Summary(m.Name, m.Steps, seconds))],
            charts,
            Readiness(page.Viewer, page.Models(allModels, tenantModels), indexes));
        return page.Show<OverviewPage>(model);
    }

    internal static JsonHttpResult<TrafficJson> Traffic(int? window, HttpContext http, TrafficRing ring)
    {
        var viewer = DashboardPage.Of(http).Viewer;
        int seconds = window is > 0 and <= 300 ? 300 : TrafficRing.Seconds;
        var read = ring.Read(TrafficViews.Visible(viewer), seconds, seconds == 300 ? 5 : 60);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new TrafficJson(
            read.ReadAt,
            read.StepSeconds,
            TrafficViews.Summary("All traffic", read.Total, seconds),
            [.. read.By(TrafficSeriesKind.Family).Select(f => TrafficViews.Summary(f.Name, f.Steps, seconds))],
            [.. read.By(TrafficSeriesKind.Model).Select(m => TrafficViews.Summary(m.Name, m.Steps, seconds))],
            [.. Enumerable.Range(0, read.Steps).Select(read.Total.Requests)]));
    }

    private static List<ReadinessRow> Readiness(DashboardViewer viewer, IModelRegistry registry, RecommendationModels indexes)
    {
        var rows = new List<ReadinessRow>();
        foreach (var model in registry.GetModels().OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (model.Versions.Count == 0)
            {
                rows.Add(new ReadinessRow(model.Name, null, "no versions", model.IsReady, model.Reason, "model", model.LoadsOnFirstRequest));
            }

            foreach (var version in model.Versions)
            {
                rows.Add(new ReadinessRow(model.Name, version.Version, version.State.ToString(), version.IsReady, version.Reason, "model", model.LoadsOnFirstRequest));
            }
        }

        string own = RecommendationModels.ModelName(viewer.Tenant);
        foreach (var index in indexes.Registry.GetModels().Where(m => viewer.IsOperator || m.Name == own).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            foreach (var version in index.Versions)
            {
                rows.Add(new ReadinessRow(index.Name, version.Version, version.State.ToString(), version.IsReady, version.Reason, "recommendation index"));
            }
        }

        return rows;
    }
}

/// <summary>The overview's charts (SVG markup).</summary>
public sealed record OverviewCharts(string Requests, string Errors, string Latency, string Models);

/// <summary>
/// One model version's readiness. <paramref name="LoadsOnFirstRequest"/>: a lazy model not loaded yet, not ready without
/// being broken, so the page does not show it as a failure.
/// </summary>
public sealed record ReadinessRow(string Model, long? Version, string State, bool IsReady, string? Reason, string Kind, bool LoadsOnFirstRequest = false);

/// <summary>What the overview shows.</summary>
public sealed record OverviewModel(
    DashboardRequest Request, bool Recent, string Span, TrafficSummary Total, IReadOnlyList<TrafficSummary> Families,
    IReadOnlyList<TrafficSummary> Models, OverviewCharts Charts, IReadOnlyList<ReadinessRow> Readiness);

/// <summary>The traffic JSON: totals, per family and model, and requests per step (oldest first).</summary>
public sealed record TrafficJson(DateTimeOffset ReadAt, int StepSeconds, TrafficSummary Total, IReadOnlyList<TrafficSummary> Families, IReadOnlyList<TrafficSummary> Models, IReadOnlyList<long> RequestsPerStep);
