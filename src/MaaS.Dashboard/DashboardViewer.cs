namespace MaaS.Dashboard;

/// <summary>
/// Who looks at the dashboard: an admin key's tenant, or the operator (an admin of the host's operator tenant), who
/// sees every tenant. The host decides who that is (<see cref="IDashboardHost.Viewer"/>).
/// </summary>
/// <param name="Tenant">The key's tenant.</param>
/// <param name="KeyId">The key id (never the secret).</param>
/// <param name="IsOperator">Sees and manages every tenant.</param>
/// <param name="AuthOff">Authentication is switched off (embedded default): nobody signs in or out.</param>
public sealed record DashboardViewer(string Tenant, string KeyId, bool IsOperator, bool AuthOff)
{
    /// <summary>The tenant a page shows: the operator's choice, or the viewer's own tenant; null when a tenant admin asks for another tenant.</summary>
    public string? Scope(string? requested) =>
        string.IsNullOrWhiteSpace(requested) || requested == Tenant ? Tenant
        : IsOperator ? requested.Trim()
        : null;
}
