using MaaS.Storage.Keys;

namespace MaaS.Services.Keys;

/// <summary>Why a presented key was refused.</summary>
public enum KeyRejection
{
    /// <summary>Accepted.</summary>
    None,
    /// <summary>Not shaped like a key, unknown, or the secret does not match.</summary>
    Invalid,
    /// <summary>The key was revoked.</summary>
    Revoked,
    /// <summary>The key store could not be asked (503).</summary>
    StoreUnavailable,
}

/// <summary>
/// Turns key text into an <see cref="ApiKeyIdentity"/>. Records are cached by key id for <see cref="ApiKeySettings.KeyCacheSeconds"/>
/// (the secret is verified against the cached hash on every request, in constant time); creating or revoking a key
/// through this replica evicts its entry at once. Thread-safe singleton.
/// </summary>
internal sealed class ApiKeyResolver(IApiKeyStore store, ApiKeySettings settings, TimeProvider time)
{
    private const int MaxCachedKeys = 100_000;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private readonly byte[]? _bootstrapHash = settings.BootstrapAdminKey is { Length: > 0 } k ? SHA256.HashData(Encoding.UTF8.GetBytes(k)) : null;

    public async ValueTask<(ApiKeyIdentity? Identity, KeyRejection Rejection)> ResolveAsync(string presented, CancellationToken cancellationToken)
    {
        if (_bootstrapHash is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _bootstrapHash))
        {
            return (new ApiKeyIdentity(ApiKeyIdentity.BootstrapKeyId, settings.OperatorTenant, ApiKeyRules.Roles,
                KeyLimits.Effective(ApiKeyLimits.Default, settings.RateLimits, settings.KeyLimitCeilings)), KeyRejection.None);
        }

        if (!ApiKeyText.TryParse(presented, out string keyId, out string secret))
        {
            return (null, KeyRejection.Invalid);
        }

        long now = time.GetTimestamp();
        ApiKeyRecord? record;
        if (_cache.TryGetValue(keyId, out var entry) && time.GetElapsedTime(entry.LoadedAt, now).TotalSeconds < settings.KeyCacheSeconds)
        {
            record = entry.Record;
        }
        else
        {
            var found = await store.FindAsync(keyId, cancellationToken);
            if (!found.IsSuccess && found.Error.Code == ErrorCode.DependencyUnavailable)
            {
                return (null, KeyRejection.StoreUnavailable);
            }

            record = found.IsSuccess ? found.Value : null;
            if (_cache.Count >= MaxCachedKeys)
            {
                // Well-formed but unknown ids are cached too (so a flood of them does not reach the store on every
                // request); the cap keeps such a flood from growing memory without bound.
                _cache.Clear();
            }

            _cache[keyId] = new CacheEntry(record, now);
        }

        if (record is null || !ApiKeyText.Verify(secret, record.SecretHash))
        {
            return (null, KeyRejection.Invalid);
        }

        if (!record.IsActive)
        {
            return (null, KeyRejection.Revoked);
        }

        return (new ApiKeyIdentity(record.KeyId, record.Tenant, record.Roles, KeyLimits.Effective(record.Limits, settings.RateLimits, settings.KeyLimitCeilings)), KeyRejection.None);
    }

    /// <summary>Forgets a key so the next request reads the store (after create or revoke on this replica).</summary>
    public void Evict(string keyId) => _cache.TryRemove(keyId, out _);

    private sealed record CacheEntry(ApiKeyRecord? Record, long LoadedAt);
}
