using MaaS.Services.Recommendations.Attribution;
using MaaS.Services.Recommendations.Index;
using MaaS.Services.Recommendations.Serving;
using MaaS.Services.Recommendations.Users;

namespace MaaS.Dashboard;

/// <summary>
/// Recommendations of one tenant: index builds over time (duration, items, events), catalogue coverage and the
/// popularity curve of the serving index, the top items; and a user page with the user's history, taste analysis
/// (the same analysis as <c>/v1/users/{id}/analysis</c>) as charts, and their recommendations with reasons.
/// </summary>
internal static class RecommendationsEndpoints
{
    private const int HistoryShown = 50;

    internal static async Task<IResult> RecommendationsAsync(
        string? tenant, string? done, HttpContext http, TenantStates states, RecommendationModels models, RebuildJobs rebuilds, AttributionReports attribution)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        var jobs = rebuilds.Recent(scope);
        var finished = jobs.Where(j => j.FinishedAt is not null).OrderBy(j => j.FinishedAt).ToList();
        string buildsChart = SvgCharts.Line("chart-builds", "Index builds: duration", "Duration in milliseconds of the tenant's recent index builds, oldest first.",
            [.. finished.Select(j => j.FinishedAt!.Value.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture))],
            [new ChartSeries("duration ms", [.. finished.Select(j => j.DurationMilliseconds)])], "ms");

        var state = page.IsLoaded(scope) ? await states.GetAsync(scope, http.RequestAborted) : null;
        var catalogue = state?.Catalogue.Items;
        Dictionary<string, int>? itemEvents = null;
        long? indexVersion = null;
        var leased = models.Acquire(scope);
        using (var lease = leased.IsSuccess ? leased.Value : null)
        {
            if (lease?.Model is ItemCfModel cf)
            {
                itemEvents = cf.Stats.ItemEvents;
                indexVersion = lease.Version;
            }
        }

        var popularity = itemEvents?.Values.OrderDescending().ToArray() ?? [];
        long totalEvents = popularity.Sum(c => (long)c);
        int catalogued = catalogue?.Count ?? 0;
        int withEvents = catalogue is null || itemEvents is null ? 0 : catalogue.Keys.Count(itemEvents.ContainsKey);
        var (ranks, counts, cumulative) = Curve(popularity, totalEvents);
        string popularityChart = SvgCharts.Line("chart-popularity", "Popularity curve", "Events per item by popularity rank (most popular first), from the serving index's statistics.",
            ranks, [new ChartSeries("events", counts)], "events");
        string coverageChart = SvgCharts.Line("chart-coverage", "Cumulative share of events", "Share of all events that go to the most popular items, by share of items with events (a long-tail curve).",
            ranks, [new ChartSeries("% of events", cumulative)], "%");
        var top = popularity.Length == 0 ? [] : itemEvents!.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(15)
            .Select(kv => new TopItem(kv.Key, catalogue?.GetValueOrDefault(kv.Key)?.Title, kv.Value)).ToList();
        string topChart = SvgCharts.Bars("chart-top-items", "Top items by events", "The fifteen items with the most events in the serving index.",
            [.. top.Select(t => new ChartBar(t.Title ?? t.ItemId, t.Events))], "events");

        var (report, attributionChart, ratesChart) = await AttributionAsync(scope, attribution, http.RequestAborted);
        var model = new RecommendationsModel(
            page.Request, scope, page.Tenants, done is { Length: <= 200 } ? done : null,
            jobs, buildsChart, indexVersion, catalogued, withEvents, itemEvents?.Count ?? 0, totalEvents, popularityChart, coverageChart, top, topChart,
            report, attributionChart, ratesChart);
        return page.Show<RecommendationsPage>(model);
    }

    /// <summary>
    /// The last 24 hours of the attribution report (every replica's counts, from the store): served items and attributed
    /// events per hour, and the rate per served item of each event type. Null totals when the store could not be read.
    /// </summary>
    private static async Task<(AttributionBucket? Totals, string Chart, string Rates)> AttributionAsync(string tenant, AttributionReports reports, CancellationToken cancellationToken)
    {
        var read = await reports.ReportAsync(tenant, null, null, "hour", cancellationToken);
        var report = read.IsSuccess ? read.Value : null;
        var buckets = report?.Buckets ?? [];
        string chart = SvgCharts.Line("chart-attribution", "Served and attributed", "Items the recommendations served and events attributed to them per hour (UTC), the last 24 hours, summed over replicas.",
            [.. buckets.Select(b => b.Start!.Value.ToString("HH:00", CultureInfo.InvariantCulture))],
            [new ChartSeries("served items", [.. buckets.Select(b => (double?)b.ServedItems)]), new ChartSeries("attributed events", [.. buckets.Select(b => (double?)b.AttributedEvents)])], "count");
        string rates = SvgCharts.Bars("chart-attribution-rates", "Rate per served item", "Attributed events of each type per 100 served items over the last 24 hours (click-through, play-through).",
            [.. (report?.Totals.Rates ?? new Dictionary<string, double>()).Select(kv => new ChartBar(kv.Key, Math.Round(100 * kv.Value, 2)))], "% of served items", valueUnit: " %");
        return (report?.Totals, chart, rates);
    }

    /// <summary>At most 100 points of the rank curve, and the cumulative share of events at each.</summary>
    private static (List<string> Ranks, List<double?> Counts, List<double?> Cumulative) Curve(int[] popularity, long total)
    {
        var ranks = new List<string>();
        var counts = new List<double?>();
        var cumulative = new List<double?>();
        if (popularity.Length == 0)
        {
            return (ranks, counts, cumulative);
        }

        int points = Math.Min(100, popularity.Length);
        long running = 0;
        int next = 0;
        for (int p = 0; p < points; p++)
        {
            int rank = points == 1 ? 0 : (int)((long)p * (popularity.Length - 1) / (points - 1));
            for (; next <= rank; next++)
            {
                running += popularity[next];
            }

            ranks.Add($"#{(rank + 1).ToString(CultureInfo.InvariantCulture)}");
            counts.Add(popularity[rank]);
            cumulative.Add(total == 0 ? 0 : 100.0 * running / total);
        }

        return (ranks, counts, cumulative);
    }

    internal static async Task<IResult> RebuildAsync(HttpContext http, RebuildQueue rebuilds)
    {
        var page = DashboardPage.Of(http);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (page.Scope(form["tenant"]) is not { } scope)
        {
            return page.OtherTenant();
        }

        var outcome = await rebuilds.RequestAsync(scope, http.RequestAborted);
        return outcome.TryGetValue(out var job, out var error)
            ? TypedResults.Redirect($"/dashboard/recommendations?tenant={Uri.EscapeDataString(scope)}&done={Uri.EscapeDataString($"rebuild {job.Status}")}")
            : page.Refused(error);
    }

    internal static async Task<IResult> UserAsync(
        string? tenant, string? id, HttpContext http, IEventStore events, UserAnalyzer analyzer, RecommendationService recommendations)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        var tenants = page.Tenants;
        if (string.IsNullOrWhiteSpace(id))
        {
            return page.Show<UserPage>(new UserModel(page.Request, scope, tenants, null, null, [], null, null, []));
        }

        if (!page.IsLoaded(scope))
        {
            return page.Show<UserPage>(new UserModel(page.Request, scope, tenants, id, $"Tenant {scope} has no catalogue in use on this replica.", [], null, null, []));
        }

        var history = await events.GetUserHistoryAsync(scope, id, HistoryShown, http.RequestAborted);
        if (!history.TryGetValue(out var shown, out var error))
        {
            return page.Show<UserPage>(new UserModel(page.Request, scope, tenants, id, error.Message, [], null, null, []), page.StatusOf(error));
        }

        var analysis = await analyzer.AnalyzeAsync(scope, id, null, http.RequestAborted);
        var recommended = await recommendations.RecommendAsync(scope, new RecommendRequest(id, null, null, 10, null, null, true, ["metadata"]), http.RequestAborted);
        var a = analysis.IsSuccess ? analysis.Value : null;
        var charts = new List<(string Heading, string Svg)>();
        if (a is not null)
        {
            charts.Add(("Genres", SvgCharts.Bars("chart-genres", "Genre affinity", "Share of the user's events per genre, in percent.",
                [.. a.Genres.Take(12).Select(g => new ChartBar(g.Name, Math.Round(100 * g.Share, 1)))], "% of events")));
            charts.Add(("Kinds", SvgCharts.Bars("chart-kinds", "Kind affinity", "Share of the user's events per item kind, in percent.",
                [.. a.Kinds.Select(k => new ChartBar(k.Name, Math.Round(100 * k.Share, 1)))], "% of events")));
            charts.Add(("Activity", SvgCharts.Line("chart-activity", "Activity per day", "Events per active day of the user.",
                [.. a.Activity.Days.Select(d => d.Period)], [new ChartSeries("events", [.. a.Activity.Days.Select(d => (double?)d.Events)])], "events")));
            charts.Add(("Event types", SvgCharts.Bars("chart-event-types", "Event types", "The user's events per type.",
                [.. a.EventTypes.OrderByDescending(kv => kv.Value).Select(kv => new ChartBar(kv.Key, kv.Value))], "events")));
        }

        string? problem = !analysis.IsSuccess ? analysis.Error.Message : !recommended.IsSuccess ? recommended.Error.Message : null;
        return page.Show<UserPage>(new UserModel(
            page.Request, scope, tenants, id, problem, shown, a, recommended.IsSuccess ? recommended.Value : null, charts));
    }
}

/// <summary>An item of the top list.</summary>
public sealed record TopItem(string ItemId, string? Title, int Events);

/// <summary>What the recommendations page shows.</summary>
public sealed record RecommendationsModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, string? Done, IReadOnlyList<RebuildJobResponse> Jobs, string BuildsChart,
    long? IndexVersion, int CatalogueItems, int ItemsWithEvents, int IndexedItems, long IndexedEvents, string PopularityChart, string CoverageChart,
    IReadOnlyList<TopItem> Top, string TopChart, AttributionBucket? Attribution, string AttributionChart, string RatesChart);

/// <summary>What the user page shows.</summary>
public sealed record UserModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, string? UserId, string? Problem, IReadOnlyList<InteractionEvent> History,
    UserAnalysisResponse? Analysis, RecommendResponse? Recommendations, IReadOnlyList<(string Heading, string Svg)> Charts);
