using MaaS.Services.Keys;

namespace MaaS.Dashboard;

/// <summary>
/// Keys and rate limits of one tenant (admin): each key's roles, stored and effective limits, state, and the 429
/// answers it got since this gateway started; the tenant's 429s per minute over the last hour. Never a secret.
/// </summary>
internal static class KeysEndpoints
{
    internal static async Task<IResult> KeysAsync(
        string? tenant, HttpContext http, IDashboardHost host, TrafficRing ring, IApiKeyStore store)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        var listed = await store.ListAllAsync(scope, cancellationToken: http.RequestAborted);
        if (!listed.TryGetValue(out var keys, out var error))
        {
            return page.Message(page.StatusOf(error), "Keys unavailable", "The key store could not be read; try again in a moment.");
        }

        var rows = keys.OrderBy(k => k.CreatedAt).Select(k => new KeyRow(
            k.KeyId, k.Name, k.Roles, k.Limits, host.EffectiveLimits(k.Limits), k.CreatedAt, k.RevokedAt, k.IsActive, ring.ThrottledCount(k.KeyId))).ToList();
        var read = ring.Read(key => key.Tenant == scope && key.Kind == TrafficSeriesKind.Family, TrafficRing.Seconds, 60);
        var throttled = read.Total;
        string minuteChart = SvgCharts.Line("chart-throttled", "429 answers per minute", $"Requests of tenant {scope} refused with 429 (rate, concurrency or work budget) per minute over the last hour.",
            TrafficViews.TimeLabels(read), [new ChartSeries("429 per minute", [.. Enumerable.Range(0, throttled.Count).Select(i => (double?)throttled.Throttled(i))])], "429/min");
        string keyChart = SvgCharts.Bars("chart-key-429", "429 answers per key", "429 answers per key of the tenant since this gateway started.",
            [.. rows.Where(r => r.Throttled > 0).OrderByDescending(r => r.Throttled).Take(12).Select(r => new ChartBar($"{r.Name} ({r.KeyId})", r.Throttled))], "429s");
        return page.Show<KeysPage>(new KeysModel(page.Request, scope, page.Tenants, rows, host.DefaultLimits, host.LimitCeilings, minuteChart, keyChart));
    }
}

/// <summary>One key as the keys page shows it.</summary>
public sealed record KeyRow(string KeyId, string Name, IReadOnlyList<string> Roles, ApiKeyLimits Stored, KeyLimits Effective, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool IsActive, long Throttled);

/// <summary>What the keys page shows.</summary>
public sealed record KeysModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, IReadOnlyList<KeyRow> Keys, KeyLimits Defaults, KeyLimits Ceilings, string MinuteChart, string KeyChart);
