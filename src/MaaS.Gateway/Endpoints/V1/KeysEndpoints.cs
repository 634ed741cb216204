using MaaS.Storage.Keys;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>API key management (<c>/v1/keys</c>), admin keys only. Keys act within their tenant; the operator tenant's admins manage every tenant.</summary>
internal static class KeysEndpoints
{
    public static IEndpointRouteBuilder MapKeysV1(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").WithTags(ApiTags.Keys).RequireAuthorization(MaaSPolicies.Admin);
        keys.MapPost("", CreateAsync)
            .WithName("V1CreateKey")
            .WithRequestExample("""{"name":"android app","roles":["app"],"limits":{"requestsPerSecond":20,"burst":40,"maxConcurrentRequests":8}}""")
            .WithSummary("Creates an API key; the key text is in the answer once and is never shown again.");
        keys.MapGet("", ListAsync)
            .WithName("V1ListKeys")
            .WithParameterExample("tenant", "default")
            .WithSummary("Lists the tenant's keys (ids, roles, limits, state; never secrets). ?tenant= for the operator tenant's admins.");
        keys.MapDelete("/{id}", RevokeAsync)
            .WithName("V1RevokeKey")
            // Key ids are minted by POST /v1/keys: the shape of one, to be replaced by the id it answered.
            .WithParameterExample("id", "3f9a1c7e5b2d4086")
            .WithSummary("Revokes a key: refused at once on this replica, within Auth:KeyCacheSeconds on the others.");
        return app;
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ApiProblem<KeyErrors>>> CreateAsync(
        Body<CreateKeyRequest> body, HttpContext http, IApiKeyStore store, ApiKeyResolver resolver, IOptions<AuthOptions> options, TimeProvider time)
    {
        if (!body.Result.TryGetValue(out var request, out var error))
        {
            return new ApiProblem<KeyErrors>(error);
        }

        string caller = http.GetTenant();
        string tenant = string.IsNullOrEmpty(request.Tenant) ? caller : request.Tenant;
        if (tenant != caller && caller != options.Value.OperatorTenant)
        {
            return new ApiProblem<KeyErrors>(ErrorCode.Forbidden, "only the operator tenant's admins create keys for other tenants");
        }

        // The operator's tenant too: a ceiling is raised in configuration, never by an API call.
        if (request.Limits is { } asked
            && options.Value.KeyLimitCeilings.Violations(asked.RequestsPerSecond, asked.Burst, asked.MaxConcurrentRequests) is { Count: > 0 } over)
        {
            return new ApiProblem<KeyErrors>(ErrorCode.InvalidRequest, string.Join("; ", over));
        }

        var limits = request.Limits is { } l ? new ApiKeyLimits(l.RequestsPerSecond, l.Burst, l.MaxConcurrentRequests) : ApiKeyLimits.Default;
        var (record, text) = ApiKeyText.Create(tenant, request.Name ?? string.Empty, request.Roles ?? [ApiKeyRules.AppRole], limits, time.GetUtcNow());
        var created = await store.CreateAsync(record, http.RequestAborted);
        if (!created.TryGetValue(out var stored, out error))
        {
            return KeyStoreProblem<KeyErrors>(error);
        }

        resolver.Evict(record.KeyId);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/v1/keys/{record.KeyId}", new CreatedKeyResponse(text, ToResponse(stored)));
    }

    private static async Task<Results<Ok<List<KeyResponse>>, ApiProblem<KeyErrors>>> ListAsync(
        string? tenant, HttpContext http, IApiKeyStore store, IOptions<AuthOptions> options)
    {
        string caller = http.GetTenant();
        string target = string.IsNullOrEmpty(tenant) ? caller : tenant;
        if (target != caller && caller != options.Value.OperatorTenant)
        {
            return new ApiProblem<KeyErrors>(ErrorCode.Forbidden, "only the operator tenant's admins list other tenants' keys");
        }

        var listed = await store.ListAsync(target, http.RequestAborted);
        return listed.TryGetValue(out var keys, out var error)
            ? TypedResults.Ok(keys.Select(ToResponse).ToList())
            : KeyStoreProblem<KeyErrors>(error);
    }

    private static async Task<Results<Ok<KeyResponse>, ApiProblem<KeyRevokeErrors>>> RevokeAsync(
        string id, HttpContext http, IApiKeyStore store, ApiKeyResolver resolver, IOptions<AuthOptions> options, TimeProvider time)
    {
        string caller = http.GetTenant();
        string tenant = caller;
        if (caller == options.Value.OperatorTenant && ApiKeyRules.IsValidKeyId(id) && await store.FindAsync(id, http.RequestAborted) is { IsSuccess: true } found)
        {
            tenant = found.Value.Tenant;
        }

        var revoked = await store.RevokeAsync(tenant, id, time.GetUtcNow(), http.RequestAborted);
        resolver.Evict(id);
        return revoked.TryGetValue(out var key, out var error)
            ? TypedResults.Ok(ToResponse(key))
            : KeyStoreProblem<KeyRevokeErrors>(error);
    }

    private static KeyResponse ToResponse(ApiKeyRecord key) => new(
        key.KeyId, key.Tenant, key.Name, key.Roles,
        new KeyLimitsDto(key.Limits.RequestsPerSecond, key.Limits.Burst, key.Limits.MaxConcurrentRequests),
        key.CreatedAt, key.RevokedAt, key.IsActive);

    /// <summary>
    /// The key store's error as the answer. It flows unchanged (NotFound is worded for the caller by the store) except in
    /// two cases, kept so the keys API answers as it always has: a broken rule is stated in the detail, every rule as
    /// "field reason", without an errors list; and an unavailable store is named without the database and its error
    /// code that the store's message carries (the store has logged them).
    /// </summary>
    private static ApiProblem<TErrors> KeyStoreProblem<TErrors>(Error error)
        where TErrors : IErrorSet => error.Code switch
        {
            ErrorCode.InvalidRequest => new ApiProblem<TErrors>(ErrorCode.InvalidRequest, string.Join("; ", error.Problems.Select(f => $"{f.Field} {f.Reason}"))),
            ErrorCode.DependencyUnavailable => new ApiProblem<TErrors>(ErrorCode.DependencyUnavailable, "the key store is unavailable"),
            _ => new ApiProblem<TErrors>(error),
        };
}
