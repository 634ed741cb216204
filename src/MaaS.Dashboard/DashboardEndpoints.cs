using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Dashboard;

/// <summary>
/// The operator dashboard at <c>/dashboard</c>: server-rendered Razor components (static SSR through
/// <c>RazorComponentResult</c>), charts drawn as SVG on the server, one small script for live refresh; no CDN, no
/// Node.js. Out of the OpenAPI document (it is a UI, not an API); out of the traffic ring (watching must not change
/// what is watched). Registration, and the one table of routes; the pages' handlers live in the <c>*Endpoints</c> classes
/// beside this one.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>
    /// Registers the dashboard, with <typeparamref name="THost"/> as what it reads from its host, and the
    /// <see cref="TrafficRing"/> it draws (the host's request pipeline records into the same singleton).
    /// </summary>
    public static IServiceCollection AddMaaSDashboard<THost>(this IServiceCollection services)
        where THost : class, IDashboardHost
    {
        services.AddSingleton<IDashboardHost, THost>();
        services.TryAddSingleton<TrafficRing>();
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

    /// <summary>Maps the assets, the sign-in pages and, behind <see cref="DashboardGate"/>, every section's pages.</summary>
    public static IEndpointRouteBuilder MapMaaSDashboard(this IEndpointRouteBuilder app)
    {
        // The gate decides for every page: no key means the sign-in page, not a 401 ProblemDetails.
        var dashboard = app.MapGroup(DashboardAuth.Path).AllowAnonymous().ExcludeFromDescription();
        dashboard.MapGet("/assets/dashboard.css", () => Asset(DashboardAssets.Css, "text/css; charset=utf-8"));
        dashboard.MapGet("/assets/live.js", () => Asset(DashboardAssets.Script, "text/javascript; charset=utf-8"));
        dashboard.MapGet("/signin", SignInEndpoints.SignInPage);
        dashboard.MapPost("/signin", SignInEndpoints.SignInAsync);
        dashboard.MapPost("/signout", SignInEndpoints.SignOutAsync);
        var pages = dashboard.MapGroup("").AddEndpointFilter<DashboardGate>();
        pages.MapGet("", OverviewEndpoints.Overview);
        pages.MapGet("/data/traffic", OverviewEndpoints.Traffic);
        var models = pages.MapGroup("/models");
        models.MapGet("", ModelsEndpoints.Models);
        models.MapPost("/action", ModelsEndpoints.ActionAsync);
        models.MapPost("/share", ModelsEndpoints.ShareAsync);
        pages.MapGet("/recommendations", RecommendationsEndpoints.RecommendationsAsync);
        pages.MapPost("/recommendations/rebuild", RecommendationsEndpoints.RebuildAsync);
        pages.MapGet("/users", RecommendationsEndpoints.UserAsync);
        pages.MapGet("/search", SearchEndpoints.SearchAsync);
        pages.MapGet("/trainings", TrainingsEndpoints.TrainingsAsync);
        pages.MapGet("/agents", AgentsEndpoints.AgentsAsync);
        pages.MapGet("/keys", KeysEndpoints.KeysAsync);
        return app;
    }

    private static ContentHttpResult Asset(string text, string contentType) => TypedResults.Text(text, contentType);
}
