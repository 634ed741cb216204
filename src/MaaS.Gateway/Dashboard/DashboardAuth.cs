namespace MaaS.Gateway.Dashboard;

/// <summary>
/// Who looks at the dashboard: an admin key's tenant, or the operator (an admin of <see cref="AuthOptions.OperatorTenant"/>),
/// who sees every tenant. The key travels in an HttpOnly, SameSite=Strict cookie scoped to <see cref="Path"/>, which
/// the API key handler reads under that path only; so a revoked key stops working here as it does on the API.
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

/// <summary>The dashboard's sign-in cookie and the viewer it stands for.</summary>
internal static class DashboardAuth
{
    public const string Path = "/dashboard";
    public const string CookieName = "maas-dashboard";

    /// <summary>The viewer of an authenticated request with the admin role; null otherwise.</summary>
    public static DashboardViewer? Viewer(HttpContext http, AuthOptions auth)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(ApiKeyRules.AdminRole))
        {
            return null;
        }

        string tenant = user.GetTenant();
        string keyId = user.FindFirst(MaaSClaims.KeyId)?.Value ?? "";
        return new DashboardViewer(tenant, keyId, tenant == auth.OperatorTenant, !auth.Enabled);
    }

    public static CookieOptions Cookie(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = Path,
        IsEssential = true,
        MaxAge = TimeSpan.FromHours(12),
    };
}
