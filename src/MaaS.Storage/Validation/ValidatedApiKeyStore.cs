using System.Data.Common;

namespace MaaS.Storage.Validation;

/// <summary>
/// What every <see cref="IApiKeyStore"/> shares: the input rules, checked before any database work, and the one
/// row layout of <c>api_keys</c>. Each provider supplies its queries, which see valid inputs alone.
/// </summary>
internal abstract class ValidatedApiKeyStore : IApiKeyStore
{
    /// <summary>The columns of <c>api_keys</c> in the order <see cref="ReadKey"/> reads them.</summary>
    protected const string Columns = "key_id, tenant, name, roles, secret_hash, created_at, revoked_at, rps, burst, concurrency";

    public ValueTask<Result<ApiKeyRecord>> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken = default) =>
        SecurityValidator.Key(key) is { } invalid ? Refusal.Of<ApiKeyRecord>(invalid) : CreateCoreAsync(key, cancellationToken);

    public ValueTask<Result<ApiKeyRecord>> FindAsync(string keyId, CancellationToken cancellationToken = default) =>
        SecurityValidator.KeyId(keyId) is { } invalid ? Refusal.Of<ApiKeyRecord>(invalid) : FindCoreAsync(keyId, cancellationToken);

    public ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? (afterKeyId is null ? null : SecurityValidator.KeyId(afterKeyId)) ?? InputValidator.Limit(limit)) is { } invalid
            ? Refusal.Of<IReadOnlyList<ApiKeyRecord>>(invalid)
            : ListCoreAsync(tenant, afterKeyId, limit, cancellationToken);

    public ValueTask<Result<ApiKeyRecord>> RevokeAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? SecurityValidator.KeyId(keyId)) is { } invalid
            ? Refusal.Of<ApiKeyRecord>(invalid)
            : RevokeCoreAsync(tenant, keyId, at, cancellationToken);

    public ValueTask<Result<long>> CountActiveAdminsAsync(string tenant, CancellationToken cancellationToken = default) =>
        InputValidator.Tenant(tenant) is { } invalid ? Refusal.Of<long>(invalid) : CountActiveAdminsCoreAsync(tenant, cancellationToken);

    /// <summary>Stores a new key; an existing key id is refused, never overwritten.</summary>
    protected abstract ValueTask<Result<ApiKeyRecord>> CreateCoreAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<ApiKeyRecord>> FindCoreAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>The page of <see cref="ListAsync"/>, from valid inputs.</summary>
    protected abstract ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListCoreAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken);

    /// <summary>Revokes the tenant's key (keeping the first revocation time), or answers <see cref="SecurityValidator.NoSuchKeyInTenant"/>.</summary>
    protected abstract ValueTask<Result<ApiKeyRecord>> RevokeCoreAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<long>> CountActiveAdminsCoreAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>A row selected as <see cref="Columns"/>; <paramref name="time"/> reads the provider's timestamp column.</summary>
    protected static ApiKeyRecord ReadKey(DbDataReader row, Func<DbDataReader, int, DateTimeOffset> time) => new(
        row.GetString(0),
        row.GetString(1),
        row.GetString(2),
        SecurityValidator.Roles(row.GetString(3)),
        row.GetString(4),
        time(row, 5),
        row.IsDBNull(6) ? null : time(row, 6),
        new ApiKeyLimits(
            row.IsDBNull(7) ? null : row.GetDouble(7),
            row.IsDBNull(8) ? null : row.GetInt32(8),
            row.IsDBNull(9) ? null : row.GetInt32(9)));
}
