namespace MaaS.Storage.Abstractions;

/// <summary>
/// A stored API key. The secret itself is never stored: only its SHA-256 (<see cref="SecretHash"/>), which is safe
/// for 256-bit random secrets (no dictionary to attack, so no slow hash is needed).
/// </summary>
/// <param name="KeyId">Public identifier (the middle part of the key text), unique across tenants; safe to log.</param>
/// <param name="Tenant">Tenant the key acts for.</param>
/// <param name="Name">Free label for people ("ci", "mobile app"), at most <see cref="ApiKeyRules.MaxNameLength"/> characters.</param>
/// <param name="Roles">Role names, a non-empty subset of <see cref="ApiKeyRules.Roles"/>.</param>
/// <param name="SecretHash">Lower-case hex SHA-256 of the secret (64 characters).</param>
/// <param name="CreatedAt">Creation time (UTC, millisecond precision).</param>
/// <param name="RevokedAt">When it was revoked, or null while it is valid.</param>
/// <param name="Limits">Per-key rate and concurrency limits; null fields fall back to the host's defaults.</param>
public sealed record ApiKeyRecord(
    string KeyId,
    string Tenant,
    string Name,
    IReadOnlyList<string> Roles,
    string SecretHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    ApiKeyLimits Limits)
{
    /// <summary>True until the key is revoked.</summary>
    public bool IsActive => RevokedAt is null;
}

/// <summary>Per-key limits; a null field means "the host's default".</summary>
/// <param name="RequestsPerSecond">Token bucket refill rate (tokens per second), &gt; 0.</param>
/// <param name="Burst">Token bucket size (requests that may arrive at once), &gt;= 1.</param>
/// <param name="MaxConcurrentRequests">Requests of this key in flight at once, &gt;= 1.</param>
public sealed record ApiKeyLimits(double? RequestsPerSecond = null, int? Burst = null, int? MaxConcurrentRequests = null)
{
    /// <summary>No per-key override: every limit comes from the defaults.</summary>
    public static ApiKeyLimits Default { get; } = new();
}

/// <summary>The rules API key records must follow (the same for SQLite and PostgreSQL).</summary>
public static class ApiKeyRules
{
    /// <summary>Role that may publish, load, unload and delete models and manage keys.</summary>
    public const string AdminRole = "admin";

    /// <summary>Role that may run inference, send events and ask for recommendations.</summary>
    public const string AppRole = "app";

    /// <summary>Every known role.</summary>
    public static IReadOnlyList<string> Roles { get; } = [AdminRole, AppRole];

    /// <summary>Maximum length of a key's label.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Whether <paramref name="keyId"/> has the shape of a key id: 8-32 lower-case letters or digits.</summary>
    public static bool IsValidKeyId(string? keyId) =>
        keyId is { Length: >= 8 and <= 32 } && keyId.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}
