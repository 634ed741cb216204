namespace MaaS.Gateway.Contracts.V1;

/// <summary>Body of <c>POST /v1/models/{name}/shares</c>.</summary>
/// <param name="Tenant">Tenant to share the model with.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ShareRequest(string? Tenant) : IRequestBody<ShareRequest>
{
    static AcceptsMetadata IRequestBody<ShareRequest>.Accepts => JsonBody.AcceptsOptional<ShareRequest>();

    // No body reads as no tenant, which the endpoint refuses in its own words.
    static ValueTask<Result<ShareRequest>> IRequestBody<ShareRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadOptionalAsync<ShareRequest, ShareRequest>(
            request, MarketRequestJsonContext.Default.ShareRequest, static share => share ?? new ShareRequest(Tenant: null));
}

/// <summary>Source-generated JSON for the market's request bodies (web defaults, as minimal API binding read them).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ShareRequest))]
internal sealed partial class MarketRequestJsonContext : JsonSerializerContext;

/// <summary>Source-generated JSON for the /v1 model listings (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(MarketModel))]
[JsonSerializable(typeof(List<MarketModel>))]
internal sealed partial class V1ModelsJsonContext : JsonSerializerContext;
