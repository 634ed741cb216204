namespace MaaS.Gateway.Contracts.V1;

/// <summary>The answer to a successful upload.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">The new version number.</param>
/// <param name="Owner">Owning tenant.</param>
/// <param name="Visibility">private, tenant or public.</param>
internal sealed record PublishResponse(string Name, long Version, string Owner, string Visibility);

/// <summary>Body of <c>POST /v1/models/{name}/shares</c>.</summary>
/// <param name="Tenant">Tenant to share the model with.</param>
internal sealed record ShareRequest(string? Tenant) : IRequestBody<ShareRequest>
{
    static AcceptsMetadata IRequestBody<ShareRequest>.Accepts => JsonBody.AcceptsOptional<ShareRequest>();

    // No body reads as no tenant, which the endpoint refuses in its own words.
    static ValueTask<Result<ShareRequest>> IRequestBody<ShareRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadOptionalAsync(request, MarketRequestJsonContext.Default.ShareRequest, new ShareRequest(Tenant: null));
}

/// <summary>A model's sharing state.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Visibility">private, tenant or public; shares take effect under <c>tenant</c> (public is seen by all anyway).</param>
/// <param name="SharedWith">Tenants it is shared with.</param>
internal sealed record ShareResponse(string Name, string Visibility, IReadOnlyList<string> SharedWith);

/// <summary>Source-generated JSON for the market's request bodies (web defaults, as minimal API binding read them).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ShareRequest))]
internal sealed partial class MarketRequestJsonContext : JsonSerializerContext;
