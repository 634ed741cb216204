namespace MaaS.Dashboard;

/// <summary>
/// A signed-in page request as its handler sees it, made by <see cref="DashboardGate"/> once it let the request in:
/// who looks, the tenant a page may show, the tenants to pick from, and the answers every page gives the same way
/// (the page, a message, a refusal with the host's status for the error).
/// </summary>
internal sealed class DashboardPage(HttpContext http, DashboardRequest request, IDashboardHost host, TrafficRing ring, TenantStates states)
{
    private IReadOnlyList<string>? _tenants;

    /// <summary>Who looks, and the antiforgery field the page's forms carry.</summary>
    public DashboardRequest Request { get; } = request;

    /// <summary>Who looks.</summary>
    public DashboardViewer Viewer => Request.Viewer;

    /// <summary>The tenants the viewer may pick (<see cref="TenantList.Known"/>), read once per request.</summary>
    public IReadOnlyList<string> Tenants => _tenants ??= TenantList.Known(Viewer, ring, states);

    /// <summary>The page request of a handler behind the gate.</summary>
    public static DashboardPage Of(HttpContext http) =>
        http.Features.Get<DashboardPage>() ?? throw new InvalidOperationException("A dashboard page was mapped outside the gate's group.");

    /// <summary>The tenant the page shows (see <see cref="DashboardViewer.Scope"/>); null: answer <see cref="OtherTenant"/>.</summary>
    public string? Scope(string? requested) => Viewer.Scope(requested);

    /// <summary>Whether the page may read the tenant's catalogue (<see cref="TenantList.IsLoaded"/>).</summary>
    public bool IsLoaded(string tenant) => TenantList.IsLoaded(Viewer, tenant, states);

    /// <summary>The models the viewer sees: every model for the operator, else the tenant's view of the registry.</summary>
    public IModelRegistry Models(ModelRegistry all, IModelRegistry tenant) => Viewer.IsOperator ? all : tenant;

    /// <summary>The status the host answers the error with.</summary>
    public int StatusOf(Error error) => host.StatusCode(error.Code);

    /// <summary>The page for a tenant admin who asked for another tenant's data.</summary>
    public IResult OtherTenant() =>
        Message(StatusCodes.Status403Forbidden, "Another tenant", $"This key is an admin of tenant {Viewer.Tenant} and sees that tenant only.");

    /// <summary>A page that says why an action or a read failed, with the error's status.</summary>
    public IResult Refused(Error error, string title = "Refused") => Message(StatusOf(error), title, error.Message);

    /// <summary>A page that only says something.</summary>
    public IResult Message(int status, string title, string text) => DashboardGate.Message(http, status, title, text, Request);

    /// <summary>The page's component rendered with its model.</summary>
    public IResult Show<TComponent>(object model, int status = StatusCodes.Status200OK)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        DashboardGate.Page<TComponent>(http, model, status);
}
