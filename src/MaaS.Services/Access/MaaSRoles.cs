namespace MaaS.Services.Access;

/// <summary>
/// Authorization policies, named here so that every host's endpoints (the gateway's HTTP routes, the gRPC service)
/// declare the same ones, and registered by the gateway (<c>AddGatewaySecurity</c>). Every endpoint or route group
/// declares one with <c>.RequireAuthorization(MaaSPolicies.X)</c>, or <c>.AllowAnonymous()</c>; an endpoint that
/// declares nothing, and a path that matches no endpoint, falls to the fallback policy, which is <see cref="App"/>.
/// </summary>
public static class MaaSPolicies
{
    /// <summary>A key with the app role: inference, events, recommendations, text.</summary>
    public const string App = "maas:app";

    /// <summary>A key with the admin role: publish/share/delete models, manage keys, the model repository, index rebuilds.</summary>
    public const string Admin = "maas:admin";

    /// <summary>Any valid key (discovery).</summary>
    public const string AnyKey = "maas:any";

    /// <summary>
    /// An admin of the tenant that owns the model named by the route's <c>{name}</c>. A model the caller cannot see
    /// passes, so the endpoint answers 404 as for an unknown model and the model stays invisible; an unknown name
    /// counts as the operator's (a repository load reads it from disk as a bundled model).
    /// </summary>
    public const string ModelOwner = "maas:model-owner";

    /// <summary>An admin key of the operator tenant (<c>Auth:OperatorTenant</c>): settings of the whole server, such as its log's.</summary>
    public const string Operator = "maas:operator";

    /// <summary>No key when <c>Auth:AnonymousMetrics</c> is set (Prometheus scrapes), else <see cref="Admin"/>.</summary>
    public const string Metrics = "maas:metrics";
}

/// <summary>Claim types the API key handler issues.</summary>
public static class MaaSClaims
{
    /// <summary>The key id (public part of the key; safe to log).</summary>
    public const string KeyId = "maas:key";

    /// <summary>Role names: <see cref="ApiKeyRules.AdminRole"/>, <see cref="ApiKeyRules.AppRole"/>.</summary>
    public const string Role = System.Security.Claims.ClaimTypes.Role;
}
