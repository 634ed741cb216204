using System.Security.Claims;
using MaaS.Services.Keys;

namespace MaaS.Dashboard;

/// <summary>
/// What the dashboard needs from the host that mounts it, so that it never references the host: who signed in, a key
/// typed into the sign-in form checked as the API checks it, the per-key limits in force, and the HTTP status the host
/// answers an error with. The gateway implements it over its authentication options and key resolver.
/// </summary>
public interface IDashboardHost
{
    /// <summary>Whether keys are checked; off (the embedded default), every request is the operator and nobody signs in.</summary>
    bool AuthEnabled { get; }

    /// <summary>The limits a key without its own gets.</summary>
    KeyLimits DefaultLimits { get; }

    /// <summary>The operator's ceilings on any key's limits.</summary>
    KeyLimits LimitCeilings { get; }

    /// <summary>The viewer an authenticated request with the admin role stands for; null for no key or an app key.</summary>
    DashboardViewer? Viewer(ClaimsPrincipal user);

    /// <summary>Checks a key as the API would (revocation and the key store's health included).</summary>
    ValueTask<KeyCheck> CheckKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>The limits a stored key runs with: its own over the defaults, held to the ceilings.</summary>
    KeyLimits EffectiveLimits(ApiKeyLimits stored);

    /// <summary>The status the host answers an error with, so a page refuses as the API does.</summary>
    int StatusCode(ErrorCode code);
}
