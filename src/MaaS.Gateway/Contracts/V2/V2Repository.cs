using MaaS.Core;
using MaaS.Gateway.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;

namespace MaaS.Gateway.Contracts.V2;

/// <summary>Body of <c>POST /v2/repository/index</c>; optional, as Triton's clients often send none.</summary>
/// <param name="Ready">When true, list only ready versions.</param>
internal sealed record V2RepositoryIndexRequest(bool? Ready) : IRequestBody<V2RepositoryIndexRequest>
{
    private static readonly V2RepositoryIndexRequest All = new(Ready: null);

    static AcceptsMetadata IRequestBody<V2RepositoryIndexRequest>.Accepts => JsonBody.Accepts<V2RepositoryIndexRequest>("application/json", "*/*");

    static ValueTask<Result<V2RepositoryIndexRequest>> IRequestBody<V2RepositoryIndexRequest>.ReadAsync(HttpRequest request) =>
        request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? JsonBody.ReadAsync(request, V2JsonContext.Web.V2RepositoryIndexRequest, whenNull: All)
            : ValueTask.FromResult<Result<V2RepositoryIndexRequest>>(All);
}

/// <summary>One row of the repository index.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version, when known.</param>
/// <param name="State">READY, UNAVAILABLE, LOADING or UNLOADING; absent when never loaded.</param>
/// <param name="Reason">Why it is not ready.</param>
internal sealed record V2RepositoryIndexEntry(string Name, string? Version, string? State, string? Reason);

/// <summary>Body of <c>POST /v2/repository/models/{name}/default</c> (MaaS extension: rollback).</summary>
/// <param name="Version">Version to serve by default; null returns to model.json's default or the highest ready version.</param>
internal sealed record V2SetDefaultVersionRequest(long? Version) : IRequestBody<V2SetDefaultVersionRequest>
{
    private static readonly V2SetDefaultVersionRequest Unpin = new(Version: null);

    static AcceptsMetadata IRequestBody<V2SetDefaultVersionRequest>.Accepts => JsonBody.Accepts<V2SetDefaultVersionRequest>("application/json", "*/*");

    // A null body unpins, as {"version": null} does.
    static ValueTask<Result<V2SetDefaultVersionRequest>> IRequestBody<V2SetDefaultVersionRequest>.ReadAsync(HttpRequest request) =>
        JsonBody.ReadAsync(request, V2JsonContext.Web.V2SetDefaultVersionRequest, whenNull: Unpin);
}
