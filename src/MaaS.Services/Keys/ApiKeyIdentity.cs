namespace MaaS.Services.Keys;

/// <summary>
/// The authenticated caller, stored as a request feature by the API key handler: the rate limiter partitions by it.
/// </summary>
/// <param name="KeyId">Key id, or <see cref="DevelopmentKeyId"/> / <see cref="BootstrapKeyId"/>.</param>
/// <param name="Tenant">Tenant the key acts for.</param>
/// <param name="Roles">Role names.</param>
/// <param name="Limits">Effective limits (stored limits over defaults); null means unlimited (auth switched off).</param>
public sealed record ApiKeyIdentity(string KeyId, string Tenant, IReadOnlyList<string> Roles, KeyLimits? Limits)
{
    /// <summary>Key id of every request when authentication is switched off.</summary>
    public const string DevelopmentKeyId = "development";

    /// <summary>Key id of the configured bootstrap admin key.</summary>
    public const string BootstrapKeyId = "bootstrap";
}
