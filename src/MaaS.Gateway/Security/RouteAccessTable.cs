using Microsoft.AspNetCore.Routing.Patterns;

namespace MaaS.Gateway.Security;

/// <summary>Who may call an endpoint.</summary>
public enum AccessLevel
{
    /// <summary>No key (health, server metadata, docs).</summary>
    Anonymous,
    /// <summary>Any valid key.</summary>
    AnyKey,
    /// <summary>A key with the app role.</summary>
    App,
    /// <summary>A key with the admin role; on a model route, of the tenant that owns the model.</summary>
    Admin,
}

/// <summary>
/// Access levels of endpoints whose code does not declare one (the Open Inference Protocol and /metrics belong to
/// other features), by route pattern. Anything not listed, including endpoints added later and unknown paths, needs
/// an app key. Endpoints that declare authorization metadata never reach this table.
/// </summary>
public static class RouteAccessTable
{
    /// <summary>The level for a route pattern (null for a request that matched no endpoint).</summary>
    public static AccessLevel Resolve(RoutePattern? pattern, bool anonymousMetrics)
    {
        string route = pattern?.RawText is { } raw ? "/" + raw.Trim('/') : string.Empty;
        return route switch
        {
            "/v2" or "/v2/health/live" or "/v2/health/ready" => AccessLevel.Anonymous,
            "/metrics" => anonymousMetrics ? AccessLevel.Anonymous : AccessLevel.Admin,
            // Rebuilding a tenant's index costs a full pass over its events: an operation, not app traffic.
            "/v1/recommendations/rebuild" => AccessLevel.Admin,
            _ when route.StartsWith("/v2/repository/", StringComparison.Ordinal) => AccessLevel.Admin,
            _ => AccessLevel.App,
        };
    }

    /// <summary>Whether the route acts on one model named by its <c>{name}</c> parameter.</summary>
    public static bool IsModelRoute(RoutePattern? pattern) =>
        pattern?.GetParameter("name") is not null
        && pattern.RawText is { } raw
        && (raw.Contains("v2/models/", StringComparison.Ordinal) || raw.Contains("v2/repository/models/", StringComparison.Ordinal) || raw.Contains("v1/models/", StringComparison.Ordinal));
}
