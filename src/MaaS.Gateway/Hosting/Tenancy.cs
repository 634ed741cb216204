using System.Security.Claims;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// The tenant a request acts for. Every /v1 endpoint that reads or writes tenant data takes it from here, so
/// isolation is decided in one place: the authenticated API key's tenant claim, or <see cref="DefaultTenant"/>
/// when authentication is switched off for local development.
/// </summary>
internal static class Tenancy
{
    /// <summary>Tenant used when authentication is off.</summary>
    public const string DefaultTenant = "default";

    /// <summary>Claim type carrying the tenant of the authenticated API key.</summary>
    public const string TenantClaim = "maas:tenant";

    public static string GetTenant(this HttpContext context) => context.User.GetTenant();

    public static string GetTenant(this ClaimsPrincipal user) => user.FindFirst(TenantClaim)?.Value ?? DefaultTenant;
}
