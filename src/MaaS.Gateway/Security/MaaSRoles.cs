using MaaS.Storage.Abstractions;

namespace MaaS.Gateway.Security;

/// <summary>
/// Authorization policies. Every endpoint needs an <b>app</b> key unless it says otherwise (the fallback policy, so
/// endpoints added later are protected by default). An endpoint opts in to another level with
/// <c>.RequireAuthorization(MaaSPolicies.Admin)</c> (admin key), <c>.RequireAuthorization(MaaSPolicies.AnyKey)</c>
/// (app or admin) or <c>.AllowAnonymous()</c> (no key: health, docs). Endpoints whose code cannot carry metadata
/// (the Open Inference Protocol, /metrics) get their level from <see cref="RouteAccessTable"/>.
/// </summary>
public static class MaaSPolicies
{
    /// <summary>A key with the app role: inference, events, recommendations.</summary>
    public const string App = "maas:app";

    /// <summary>A key with the admin role: publish/load/unload/delete models, manage keys.</summary>
    public const string Admin = "maas:admin";

    /// <summary>Any valid key (discovery, metadata).</summary>
    public const string AnyKey = "maas:any";
}

/// <summary>Claim types the API key handler issues.</summary>
public static class MaaSClaims
{
    /// <summary>The key id (public part of the key; safe to log).</summary>
    public const string KeyId = "maas:key";

    /// <summary>Role names: <see cref="ApiKeyRules.AdminRole"/>, <see cref="ApiKeyRules.AppRole"/>.</summary>
    public const string Role = System.Security.Claims.ClaimTypes.Role;
}
