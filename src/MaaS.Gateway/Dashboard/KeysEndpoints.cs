using MaaS.Gateway.Dashboard.Charts;
using MaaS.Gateway.Dashboard.Components;
using MaaS.Gateway.Telemetry;
using MaaS.Services.Recommendations.Tenants;

namespace MaaS.Gateway.Dashboard;

/// <summary>
/// Keys and rate limits of one tenant (admin): each key's roles, stored and effective limits, state, and the 429
/// answers it got since this gateway started; the tenant's 429s per minute over the last hour. Never a secret.
/// </summary>
internal static class KeysEndpoints
{
    public static RouteGroupBuilder MapDashboardKeys(this RouteGroupBuilder dashboard)
    {
        dashboard.MapGet("/keys", KeysAsync);
        return dashboard;
    }

    private static async Task<IResult> KeysAsync(
        string? tenant, HttpContext http, IOptions<AuthOptions> auth, TrafficRing ring, TenantStates states, IApiKeyStore store)
    {
        var request = DashboardGate.Request(http);

        if (request.Viewer.Scope(tenant) is not { } scope)
        {
            return TenantList.OtherTenant(http, request);
        }

        var settings = auth.Value;
        var listed = await store.ListAsync(scope, http.RequestAborted);
        if (!listed.TryGetValue(out var keys, out var error))
        {
            return DashboardGate.Message(http, error.Code.StatusCode(), "Keys unavailable", "The key store could not be read; try again in a moment.", request);
        }

        var rows = keys.OrderBy(k => k.CreatedAt).Select(k => new KeyRow(
            k.KeyId, k.Name, k.Roles, k.Limits, EffectiveLimits.From(k.Limits, settings.RateLimits, settings.KeyLimitCeilings), k.CreatedAt, k.RevokedAt, k.IsActive, ring.ThrottledCount(k.KeyId))).ToList();
        var read = ring.Read(key => key.Tenant == scope && key.Kind == TrafficSeriesKind.Family, TrafficRing.Seconds, 60);
        var throttled = read.Total;
        string minuteChart = SvgCharts.Line("chart-throttled", "429 answers per minute", $"Requests of tenant {scope} refused with 429 (rate, concurrency or work budget) per minute over the last hour.",
            TrafficViews.TimeLabels(read), [new ChartSeries("429 per minute", [.. Enumerable.Range(0, throttled.Count).Select(i => (double?)throttled.Throttled(i))])], "429/min");
        string keyChart = SvgCharts.Bars("chart-key-429", "429 answers per key", "429 answers per key of the tenant since this gateway started.",
            [.. rows.Where(r => r.Throttled > 0).OrderByDescending(r => r.Throttled).Take(12).Select(r => new ChartBar($"{r.Name} ({r.KeyId})", r.Throttled))], "429s");
        return DashboardGate.Page<KeysPage>(http, new KeysModel(
            request, scope, TenantList.Known(request.Viewer, ring, states), rows, settings.RateLimits, settings.KeyLimitCeilings, minuteChart, keyChart));
    }
}

/// <summary>One key as the keys page shows it.</summary>
public sealed record KeyRow(string KeyId, string Name, IReadOnlyList<string> Roles, ApiKeyLimits Stored, EffectiveLimits Effective, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool IsActive, long Throttled);

/// <summary>What the keys page shows.</summary>
public sealed record KeysModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, IReadOnlyList<KeyRow> Keys, RateLimitDefaults Defaults, KeyLimitCeilings Ceilings, string MinuteChart, string KeyChart);
