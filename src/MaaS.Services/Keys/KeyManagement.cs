using MaaS.Storage.Keys;

namespace MaaS.Services.Keys;

/// <summary>
/// API key management as the hosts offer it (<c>/v1/keys</c>): keys act within their tenant and only the operator
/// tenant's admins manage other tenants' keys; requested limits stay under the operator's ceilings (the operator's
/// tenant too: a ceiling is raised in configuration, never by an API call); a created or revoked key leaves this
/// replica's cache at once. Every error is worded for the caller. Thread-safe singleton.
/// </summary>
internal sealed class KeyManagement(IApiKeyStore store, ApiKeyResolver resolver, ApiKeySettings settings, TimeProvider time)
{
    /// <summary>Creates a key for <paramref name="tenant"/> (default the caller's); its text is in the answer this once.</summary>
    public async Task<Result<CreatedKeyResponse>> CreateAsync(
        string caller, string? tenant, string? name, IReadOnlyList<string>? roles, KeyLimitsDto? limits, CancellationToken cancellationToken)
    {
        string target = string.IsNullOrEmpty(tenant) ? caller : tenant;
        if (target != caller && caller != settings.OperatorTenant)
        {
            return new Error(ErrorCode.Forbidden, "only the operator tenant's admins create keys for other tenants");
        }

        if (limits is not null
            && settings.KeyLimitCeilings.Violations(limits.RequestsPerSecond, limits.Burst, limits.MaxConcurrentRequests) is { Count: > 0 } over)
        {
            return Error.Invalid(over);
        }

        var stored = limits is null ? ApiKeyLimits.Default : new ApiKeyLimits(limits.RequestsPerSecond, limits.Burst, limits.MaxConcurrentRequests);
        var (record, text) = ApiKeyText.Create(target, name ?? string.Empty, roles ?? [ApiKeyRules.AppRole], stored, time.GetUtcNow());
        var created = await store.CreateAsync(record, cancellationToken);
        if (!created.TryGetValue(out var key, out var error))
        {
            return StoreError(error);
        }

        resolver.Evict(record.KeyId);
        return new CreatedKeyResponse(text, ToResponse(key));
    }

    /// <summary>A page of the keys of <paramref name="tenant"/> (default the caller's) by creation time, then id; never their secrets.</summary>
    public async Task<Result<Page<KeyResponse>>> ListAsync(string caller, string? tenant, PageRequest page, CancellationToken cancellationToken)
    {
        string target = string.IsNullOrEmpty(tenant) ? caller : tenant;
        if (target != caller && caller != settings.OperatorTenant)
        {
            return new Error(ErrorCode.Forbidden, "only the operator tenant's admins list other tenants' keys");
        }

        if (page.After is { } after)
        {
            var cursor = ApiKeyRules.IsValidKeyId(after) ? await store.FindAsync(after, cancellationToken) : Error.NotFound("key");
            if (!cursor.TryGetValue(out var key, out var refused) || key.Tenant != target)
            {
                return refused is { Code: not ErrorCode.NotFound } ? StoreError(refused) : Page.UnknownCursor("key of this tenant");
            }
        }

        var listed = await store.ListAsync(target, page.After, page.Probe, cancellationToken);
        return listed.TryGetValue(out var keys, out var error) ? Page.Of(keys, page, k => k.KeyId).Select(ToResponse) : StoreError(error);
    }

    /// <summary>
    /// One key as <see cref="ListAsync"/> lists it, never its secret: a key of the caller's tenant, or of any tenant for
    /// the operator tenant's admins. Another tenant's key is "no such key in this tenant", the same as an unknown one.
    /// </summary>
    public async Task<Result<KeyResponse>> GetAsync(string caller, string id, CancellationToken cancellationToken)
    {
        var found = await store.FindAsync(id, cancellationToken);
        if (!found.TryGetValue(out var key, out var error))
        {
            return error.Code == ErrorCode.NotFound ? NoSuchKey : StoreError(error);
        }

        return key.Tenant == caller || caller == settings.OperatorTenant ? ToResponse(key) : NoSuchKey;
    }

    /// <summary>Revokes a key of the caller's tenant, or of any tenant for the operator tenant's admins.</summary>
    public async Task<Result<KeyResponse>> RevokeAsync(string caller, string id, CancellationToken cancellationToken)
    {
        string tenant = caller;
        if (caller == settings.OperatorTenant && ApiKeyRules.IsValidKeyId(id) && await store.FindAsync(id, cancellationToken) is { IsSuccess: true } found)
        {
            tenant = found.Value.Tenant;
        }

        var revoked = await store.RevokeAsync(tenant, id, time.GetUtcNow(), cancellationToken);
        resolver.Evict(id);
        return revoked.TryGetValue(out var key, out var error) ? ToResponse(key) : StoreError(error);
    }

    /// <summary>An unknown key, or another tenant's: the answer must not tell which (worded as the store's revoke words it).</summary>
    private static readonly Error NoSuchKey = new(ErrorCode.NotFound, "no such key in this tenant");

    private static KeyResponse ToResponse(ApiKeyRecord key) => new(
        key.KeyId, key.Tenant, key.Name, key.Roles,
        new KeyLimitsDto(key.Limits.RequestsPerSecond, key.Limits.Burst, key.Limits.MaxConcurrentRequests),
        key.CreatedAt, key.RevokedAt, key.IsActive);

    /// <summary>
    /// The key store's error as the answer. It flows unchanged (NotFound is worded for the caller by the store) except in
    /// two cases: broken rules are field problems named as the client writes them (the route's <c>id</c>, the body's
    /// <c>roles</c>, <c>limits.burst</c>), not as the store's record names them; and an unavailable store is named without
    /// the database and its error code that the store's message carries (the store has logged them).
    /// </summary>
    private static Error StoreError(Error error) => error.Code switch
    {
        ErrorCode.InvalidRequest when error.Problems.Count > 0 =>
            Error.Invalid([.. error.Problems.Select(f => f with { Field = RequestField(f.Field) })]),
        ErrorCode.DependencyUnavailable => new Error(ErrorCode.DependencyUnavailable, "the key store is unavailable"),
        _ => error,
    };

    /// <summary>A field of the key store's record (KeyId, Roles, Burst) as the keys API's client writes it.</summary>
    private static string RequestField(string field) => field switch
    {
        "KeyId" or "keyId" => "id",
        "RequestsPerSecond" or "Burst" or "MaxConcurrentRequests" => $"limits.{JsonNamingPolicy.CamelCase.ConvertName(field)}",
        _ => JsonNamingPolicy.CamelCase.ConvertName(field),
    };
}
