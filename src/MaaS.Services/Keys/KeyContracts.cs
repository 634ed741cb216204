namespace MaaS.Services.Keys;

/// <summary>Per-key limits.</summary>
/// <param name="RequestsPerSecond">Token bucket refill rate.</param>
/// <param name="Burst">Token bucket size.</param>
/// <param name="MaxConcurrentRequests">Requests in flight at once.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record KeyLimitsDto(double? RequestsPerSecond, int? Burst, int? MaxConcurrentRequests);

/// <summary>A key as listed (never its secret).</summary>
/// <param name="Id">Key id (public).</param>
/// <param name="Tenant">Tenant it acts for.</param>
/// <param name="Name">Label.</param>
/// <param name="Roles">Roles.</param>
/// <param name="Limits">Stored limits (null fields: server defaults).</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="RevokedAt">Revocation time, if revoked.</param>
/// <param name="Active">Not revoked.</param>
public sealed record KeyResponse(string Id, string Tenant, string Name, IReadOnlyList<string> Roles, KeyLimitsDto Limits, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Active);

/// <summary>A new key: <see cref="Key"/> is shown this once and never again.</summary>
/// <param name="Key">The key text to send as <c>Authorization: Bearer</c> or <c>X-Api-Key</c>.</param>
/// <param name="Details">The stored key.</param>
public sealed record CreatedKeyResponse(string Key, KeyResponse Details);
