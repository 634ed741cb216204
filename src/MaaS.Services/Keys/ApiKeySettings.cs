namespace MaaS.Services.Keys;

/// <summary>
/// What <see cref="ApiKeyResolver"/> needs of the host's authentication settings: the host binds and validates them
/// (the gateway's <c>Auth</c> section) and hands over this much.
/// </summary>
/// <param name="BootstrapAdminKey">The configured first admin key, or null; never stored or logged.</param>
/// <param name="OperatorTenant">Tenant the bootstrap key acts for.</param>
/// <param name="KeyCacheSeconds">How long a key read from the store is trusted without asking again.</param>
/// <param name="RateLimits">Default per-key limits.</param>
/// <param name="KeyLimitCeilings">The operator's ceilings on them.</param>
internal sealed record ApiKeySettings(
    string? BootstrapAdminKey, string OperatorTenant, double KeyCacheSeconds, KeyLimits RateLimits, KeyLimits KeyLimitCeilings);
