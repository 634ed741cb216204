using System.Security.Claims;
using MaaS.Dashboard;

namespace MaaS.Gateway.Security;

/// <summary>
/// What the dashboard reads from the gateway: the viewer of a request (an admin key; the operator is an admin of
/// <see cref="AuthOptions.OperatorTenant"/>), sign-in keys checked by the same <see cref="ApiKeyResolver"/> as the
/// API, the configured limits, and <see cref="ApiErrors"/>' status for an error.
/// </summary>
internal sealed class GatewayDashboardHost(IOptions<AuthOptions> options, ApiKeyResolver resolver) : IDashboardHost
{
    public bool AuthEnabled => options.Value.Enabled;

    public KeyLimits DefaultLimits => options.Value.RateLimits.Values;

    public KeyLimits LimitCeilings => options.Value.KeyLimitCeilings.Values;

    public DashboardViewer? Viewer(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(ApiKeyRules.AdminRole))
        {
            return null;
        }

        var settings = options.Value;
        string tenant = user.GetTenant();
        string keyId = user.FindFirst(MaaSClaims.KeyId)?.Value ?? "";
        return new DashboardViewer(tenant, keyId, tenant == settings.OperatorTenant, !settings.Enabled);
    }

    public async ValueTask<KeyCheck> CheckKeyAsync(string key, CancellationToken cancellationToken)
    {
        var (identity, rejection) = await resolver.ResolveAsync(key, cancellationToken).ConfigureAwait(false);
        return identity is not null
            ? identity.Roles.Contains(ApiKeyRules.AdminRole) ? KeyCheck.Admin : KeyCheck.AppKey
            : rejection switch
            {
                KeyRejection.Revoked => KeyCheck.Revoked,
                KeyRejection.StoreUnavailable => KeyCheck.StoreUnavailable,
                _ => KeyCheck.Invalid,
            };
    }

    public KeyLimits EffectiveLimits(ApiKeyLimits stored) =>
        KeyLimits.Effective(stored, options.Value.RateLimits.Values, options.Value.KeyLimitCeilings.Values);

    public int StatusCode(ErrorCode code) => code.StatusCode();
}
