using System.Text.Json;
using System.Text.Json.Serialization;
using MaaS.Core;
using MaaS.Gateway.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;

namespace MaaS.Gateway.Contracts.V1;

/// <summary>A model in the market as one tenant sees it (<c>GET /v1/models</c>).</summary>
/// <param name="Name">Model name.</param>
/// <param name="Task">What it does.</param>
/// <param name="Description">Free text.</param>
/// <param name="Tags">Search tags.</param>
/// <param name="Labels">Output classes in output order.</param>
/// <param name="DefaultVersion">Version served when none is named.</param>
/// <param name="Ready">Whether the default version serves.</param>
/// <param name="Reason">Why not, if not.</param>
/// <param name="Versions">Every version with its card (metrics, data, training notes) and state.</param>
/// <param name="Owner">Owning tenant; null for bundled models.</param>
/// <param name="Visibility">private, tenant or public (bundled models are public).</param>
/// <param name="SharedWith">Tenants it is shared with; shown to the owner only.</param>
internal sealed record MarketModel(
    string Name,
    string? Task,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Labels,
    long? DefaultVersion,
    bool Ready,
    string? Reason,
    IReadOnlyList<ModelVersionSummary> Versions,
    string? Owner,
    string Visibility,
    IReadOnlyList<string>? SharedWith);

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
