namespace MaaS.Gateway.Security;

/// <summary>The market's tenant of the current request: the authenticated API key's tenant; none outside a request.</summary>
internal sealed class HttpTenantContext(IHttpContextAccessor http) : ITenantContext
{
    public string? Tenant => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user.GetTenant() : null;
}
