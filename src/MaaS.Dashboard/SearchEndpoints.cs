using MaaS.Services.Search;

namespace MaaS.Dashboard;

/// <summary>Catalogue search of one tenant, through the same <see cref="CatalogueSearch"/> as <c>POST /v1/search</c>.</summary>
internal static class SearchEndpoints
{
    internal static async Task<IResult> SearchAsync(
        string? tenant, string? q, string? mode, HttpContext http, CatalogueSearch search)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        string chosen = mode is "lexical" or "semantic" ? mode : "hybrid";
        var tenants = page.Tenants;
        if (string.IsNullOrWhiteSpace(q))
        {
            return page.Show<SearchPage>(new SearchModel(page.Request, scope, tenants, null, chosen, null, null, null));
        }

        if (!page.IsLoaded(scope))
        {
            return page.Show<SearchPage>(new SearchModel(page.Request, scope, tenants, q, chosen, null, $"Tenant {scope} has no catalogue in use on this replica.", null));
        }

        var outcome = await search.SearchAsync(scope, new SearchRequest(q, chosen, 20, null, true, ["metadata"]), http.RequestAborted);
        if (!outcome.TryGetValue(out var found, out var error))
        {
            return page.Show<SearchPage>(new SearchModel(page.Request, scope, tenants, q, chosen, null, string.Join("; ", error.Problems.Select(p => $"{p.Field} {p.Reason}").DefaultIfEmpty(error.Message)), null), page.StatusOf(error));
        }

        string chart = SvgCharts.Bars("chart-search-scores", "Scores of the hits", $"The score of each hit for '{q}' ({found.Mode}).",
            [.. found.Items.Take(12).Select(h => new ChartBar(h.Metadata?.Title ?? h.ItemId, Math.Round(h.Score, 4)))], "score");
        return page.Show<SearchPage>(new SearchModel(page.Request, scope, tenants, q, chosen, found, null, chart));
    }
}

/// <summary>What the search page shows.</summary>
public sealed record SearchModel(DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, string? Query, string Mode, SearchResponse? Result, string? Problem, string? Chart);
