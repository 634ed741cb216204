namespace MaaS.Dashboard;

/// <summary>
/// The dashboard's sign-in cookie. The key travels in an HttpOnly, SameSite=Strict cookie scoped to <see cref="Path"/>,
/// which the host's API key handler reads under that path only; so a revoked key stops working here as it does on the API.
/// </summary>
public static class DashboardAuth
{
    /// <summary>Where the dashboard is mounted, and the cookie's path.</summary>
    public const string Path = "/dashboard";

    /// <summary>The sign-in cookie, holding the key.</summary>
    public const string CookieName = "maas-dashboard";

    internal static CookieOptions Cookie(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = Path,
        IsEssential = true,
        MaxAge = TimeSpan.FromHours(12),
    };
}
