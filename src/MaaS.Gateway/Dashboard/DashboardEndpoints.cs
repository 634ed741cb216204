namespace MaaS.Gateway.Dashboard;

/// <summary>
/// The operator dashboard at <c>/dashboard</c>: server-rendered Razor components (static SSR through
/// <c>RazorComponentResult</c>), charts drawn as SVG on the server, one small script for live refresh; no CDN, no
/// Node.js. Out of the OpenAPI document (it is a UI, not an API); out of the traffic ring (watching must not change
/// what is watched). Registration and mapping; the pages live in the <c>*Endpoints</c> classes beside this one.
/// </summary>
internal static class DashboardEndpoints
{
    public static IServiceCollection AddGatewayDashboard(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "maas-dashboard-af";
            options.Cookie.Path = DashboardAuth.Path;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__af";
        });
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayDashboard(this IEndpointRouteBuilder app)
    {
        // The gate decides for every page (DashboardGate): no key means the sign-in page, not a 401 ProblemDetails.
        var dashboard = app.MapGroup(DashboardAuth.Path).AllowAnonymous().ExcludeFromDescription();
        dashboard.MapGet("/assets/dashboard.css", () => Asset(DashboardAssets.Css, "text/css; charset=utf-8"));
        dashboard.MapGet("/assets/live.js", () => Asset(DashboardAssets.Script, "text/javascript; charset=utf-8"));
        dashboard.MapDashboardSignIn();
        var pages = dashboard.MapGroup("").AddEndpointFilter(DashboardGate.FilterAsync);
        pages.MapDashboardOverview();
        pages.MapDashboardModels();
        pages.MapDashboardRecommendations();
        pages.MapDashboardSearch();
        pages.MapDashboardTrainings();
        pages.MapDashboardAgents();
        pages.MapDashboardKeys();
        return app;
    }

    private static ContentHttpResult Asset(string text, string contentType) => TypedResults.Text(text, contentType);
}
