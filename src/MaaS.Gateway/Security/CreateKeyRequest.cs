namespace MaaS.Gateway.Security;

/// <summary>Body of <c>POST /v1/keys</c>.</summary>
/// <param name="Name">Label for people ("ci", "android app").</param>
/// <param name="Roles">"app" and/or "admin"; default ["app"].</param>
/// <param name="Tenant">Tenant of the new key; default the caller's. Only the operator tenant's admins may name another.</param>
/// <param name="Limits">Per-key limits; omitted fields use the server defaults.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Roles, string? Tenant, KeyLimitsDto? Limits)
    : IRequestBody<CreateKeyRequest>
{
    static AcceptsMetadata IRequestBody<CreateKeyRequest>.Accepts => JsonBody.AcceptsOptional<CreateKeyRequest>();

    static ValueTask<Result<CreateKeyRequest>> IRequestBody<CreateKeyRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadOptionalAsync<CreateKeyRequest, CreateKeyRequest>(
            request,
            KeyRequestJsonContext.Default.CreateKeyRequest,
            static key => key ?? Result<CreateKeyRequest>.Fail(ErrorCode.InvalidRequest, "a JSON body is required"));
}

/// <summary>Source-generated JSON for the keys API's request body (web defaults, as minimal API binding read it).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateKeyRequest))]
internal sealed partial class KeyRequestJsonContext : JsonSerializerContext;
