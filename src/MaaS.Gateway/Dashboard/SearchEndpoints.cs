using MaaS.Gateway.Dashboard.Charts;
using MaaS.Gateway.Dashboard.Components;
using MaaS.Gateway.Telemetry;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Services.Search;

namespace MaaS.Gateway.Dashboard;

/// <summary>Catalogue search of one tenant, through the same <see cref="CatalogueSearch"/> as <c>POST /v1/search</c>.</summary>
internal static class SearchEndpoints
{
    public static RouteGroupBuilder MapDashboardSearch(this RouteGroupBuilder dashboard)
    {
        dashboard.MapGet("/search", SearchAsync);
        return dashboard;
    }

    private static async Task<IResult> SearchAsync(
        string? tenant, string? q, string? mode, HttpContext http, TrafficRing ring, TenantStates states, CatalogueSearch search)
    {
        var request = DashboardGate.Request(http);

        if (request.Viewer.Scope(tenant) is not { } scope)
        {
            return TenantList.OtherTenant(http, request);
        }

        string chosen = mode is "lexical" or "semantic" ? mode : "hybrid";
        var tenants = TenantList.Known(request.Viewer, ring, states);
        if (string.IsNullOrWhiteSpace(q))
        {
            return DashboardGate.Page<SearchPage>(http, new SearchModel(request, scope, tenants, null, chosen, null, null, null));
        }

        if (!TenantList.IsLoaded(request.Viewer, scope, states))
        {
            return DashboardGate.Page<SearchPage>(http, new SearchModel(request, scope, tenants, q, chosen, null, $"Tenant {scope} has no catalogue in use on this replica.", null));
        }

        var outcome = await search.SearchAsync(scope, new SearchRequest(q, chosen, 20, null, true, ["metadata"]), http.RequestAborted);
        if (!outcome.TryGetValue(out var found, out var error))
        {
            return DashboardGate.Page<SearchPage>(http, new SearchModel(request, scope, tenants, q, chosen, null, string.Join("; ", error.Problems.Select(p => $"{p.Field} {p.Reason}").DefaultIfEmpty(error.Message)), null), error.Code.StatusCode());
        }

        string chart = SvgCharts.Bars("chart-search-scores", "Scores of the hits", $"The score of each hit for '{q}' ({found.Mode}).",
            [.. found.Items.Take(12).Select(h => new ChartBar(h.Metadata?.Title ?? h.ItemId, Math.Round(h.Score, 4)))], "score");
        return DashboardGate.Page<SearchPage>(http, new SearchModel(request, scope, tenants, q, chosen, found, null, chart));
    }
}

/// <summary>What the search page shows.</summary>
public sealed record SearchModel(DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, string? Query, string Mode, SearchResponse? Result, string? Problem, string? Chart);
