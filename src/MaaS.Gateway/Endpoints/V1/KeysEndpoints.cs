using System.ComponentModel.DataAnnotations;

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
            .WithParameterExample("after", "3f9a1c7e5b2d4086")
            .WithPaging(Paged.By("by creation time, then id"))
            .WithSummary("Lists the tenant's keys (ids, roles, limits, state; never secrets), a page at a time. ?tenant= for the operator tenant's admins.");
        keys.MapGet("/{id}", GetAsync)
            .WithName("V1GetKey")
            // Key ids are minted by POST /v1/keys (its Location names this URL): the shape of one.
            .WithParameterExample("id", "3f9a1c7e5b2d4086")
            .WithSummary("One key as GET /v1/keys lists it (id, roles, limits, state; never its secret). Another tenant's key is a 404 except for the operator tenant's admins.");
        keys.MapDelete("/{id}", RevokeAsync)
            .WithName("V1RevokeKey")
            // Key ids are minted by POST /v1/keys: the shape of one, to be replaced by the id it answered.
            .WithParameterExample("id", "3f9a1c7e5b2d4086")
            .WithSummary("Revokes a key: refused at once on this replica, within Auth:KeyCacheSeconds on the others.");
        return app;
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ApiProblem<KeyErrors>>> CreateAsync(Body<CreateKeyRequest> body, HttpContext http, KeyManagement keys)
    {
        var created = await body.Result.ThenAsync(
            request => keys.CreateAsync(http.GetTenant(), request.Tenant, request.Name, request.Roles, request.Limits, http.RequestAborted));
        if (!created.TryGetValue(out var key, out var error))
        {
            return new ApiProblem<KeyErrors>(error);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/v1/keys/{key.Details.Id}", key);
    }

    /// <param name="tenant">Another tenant's keys (the operator tenant's admins only); default: the caller's tenant.</param>
    /// <param name="limit">Keys in the page.</param>
    /// <param name="after">The id of the last key of the previous page.</param>
    /// <param name="http">The request.</param>
    /// <param name="keys">Key management.</param>
    private static async Task<Results<Ok<List<KeyResponse>>, ApiProblem<KeyErrors>>> ListAsync(
        string? tenant, [Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, KeyManagement keys) =>
        (await PageRequest.Create(limit, after).ThenAsync(page => keys.ListAsync(http.GetTenant(), tenant, page, http.RequestAborted))).TryGetValue(out var listed, out var error)
            ? TypedResults.Ok(Paged.Items(http, listed))
            : new ApiProblem<KeyErrors>(error);

    private static async Task<Results<Ok<KeyResponse>, ApiProblem<RecordErrors>>> GetAsync(string id, HttpContext http, KeyManagement keys) =>
        (await keys.GetAsync(http.GetTenant(), id, http.RequestAborted)).TryGetValue(out var key, out var error)
            ? TypedResults.Ok(key)
            : new ApiProblem<RecordErrors>(error);

    private static async Task<Results<Ok<KeyResponse>, ApiProblem<RecordErrors>>> RevokeAsync(string id, HttpContext http, KeyManagement keys) =>
        (await keys.RevokeAsync(http.GetTenant(), id, http.RequestAborted)).TryGetValue(out var key, out var error)
            ? TypedResults.Ok(key)
            : new ApiProblem<RecordErrors>(error);
}
