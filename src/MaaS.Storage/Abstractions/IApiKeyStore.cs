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

    /// <summary>
    /// A page of the tenant's keys, revoked ones included, ordered by creation time, then id: at most
    /// <paramref name="limit"/> that come after the key <paramref name="afterKeyId"/> in that order (null: from the
    /// first). Pass the last id of a page to get the next; an id that is not a key of the tenant gives an empty page.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every key of the tenant in <see cref="ListAsync"/>'s order, read page after page (for tools that show them all).</summary>
    /// <param name="pageSize">Keys per read, 1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    async ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListAllAsync(string tenant, int pageSize = StorageLimits.MaxReadLimit, CancellationToken cancellationToken = default)
    {
        var all = new List<ApiKeyRecord>();
        while (true)
        {
            var page = await ListAsync(tenant, all.Count == 0 ? null : all[^1].KeyId, pageSize, cancellationToken).ConfigureAwait(false);
            if (!page.TryGetValue(out var keys, out var error))
            {
                return error;
            }

            all.AddRange(keys);
            if (keys.Count < pageSize)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// Revokes a key of the tenant (idempotent: revoking twice keeps the first time). A key of another tenant is
    /// <see cref="ErrorCode.NotFound"/> ("no such key in this tenant"), the same as an unknown one. Returns the revoked
    /// record.
    /// </summary>
    ValueTask<Result<ApiKeyRecord>> RevokeAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Number of active (unrevoked) keys with the admin role in the tenant.</summary>
    ValueTask<Result<long>> CountActiveAdminsAsync(string tenant, CancellationToken cancellationToken = default);
}
