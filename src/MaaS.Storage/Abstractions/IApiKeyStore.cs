namespace MaaS.Storage.Abstractions;

/// <summary>API keys of every tenant. Implementations are thread-safe and shared as singletons.</summary>
public interface IApiKeyStore
{
    /// <summary>
    /// Stores a new key. Fails with <see cref="ErrorCode.InvalidRequest"/> when a rule is broken or the key id
    /// exists already (ids are random, so a clash means a caller bug or a replayed create).
    /// </summary>
    ValueTask<Result<ApiKeyRecord>> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>
    /// One key by id, in any tenant (authentication knows only the key text), revoked ones included; or
    /// <see cref="ErrorCode.NotFound"/>.
    /// </summary>
    ValueTask<Result<ApiKeyRecord>> FindAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's keys ordered by creation time, revoked ones included.</summary>
    ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes a key of the tenant (idempotent: revoking twice keeps the first time). A key of another tenant is
    /// <see cref="ErrorCode.NotFound"/> ("no such key in this tenant"), the same as an unknown one. Returns the revoked
    /// record.
    /// </summary>
    ValueTask<Result<ApiKeyRecord>> RevokeAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Number of active (unrevoked) keys with the admin role in the tenant.</summary>
    ValueTask<Result<long>> CountActiveAdminsAsync(string tenant, CancellationToken cancellationToken = default);
}
