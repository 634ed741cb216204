using System.Runtime.CompilerServices;
using MaaS.Models.Registry;

namespace MaaS.Http.Requests;

/// <summary>Reads <c>POST /v2/repository/index</c>'s optional body into <see cref="V2RepositoryIndexRequest"/>.</summary>
/// <param name="Value">The request.</param>
internal readonly record struct V2RepositoryIndexHttpBody(V2RepositoryIndexRequest Value) : IRequestBody<V2RepositoryIndexHttpBody>
{
    private static readonly V2RepositoryIndexRequest All = new();

    public static AcceptsMetadata Accepts => JsonBody.Accepts<V2RepositoryIndexRequest>("application/json", "*/*");

    // Triton's clients often send no body at all.
    public static ValueTask<Result<V2RepositoryIndexHttpBody>> ReadAsync(HttpRequest request) =>
        request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? ReadJsonAsync(request)
            : ValueTask.FromResult<Result<V2RepositoryIndexHttpBody>>(new V2RepositoryIndexHttpBody(All));

    // Pooled like JsonBody.ReadAsync, so wrapping its result adds no allocation when the read goes async. A body that
    // is there is an object: null, whole or as "ready", is refused (no body, or {}, lists everything).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<Result<V2RepositoryIndexHttpBody>> ReadJsonAsync(HttpRequest request)
    {
        if (!(await JsonBody.ReadAsync(request, V2JsonContext.Web.V2RepositoryIndexRequest)).TryGetValue(out var value, out var error))
        {
            return error;
        }

        return value.NullMember is { } member
            ? new Error(ErrorCode.InvalidRequest, $"'{member}' is null; give true or false, or leave it out to list every version")
            : new V2RepositoryIndexHttpBody(value);
    }
}

/// <summary>Reads <c>POST /v2/repository/models/{name}/default</c>'s body into a <see cref="VersionPolicyChange"/> (<see cref="V2VersionPolicyJson"/>).</summary>
/// <param name="Value">The change.</param>
internal readonly record struct V2SetDefaultVersionHttpBody(VersionPolicyChange Value) : IRequestBody<V2SetDefaultVersionHttpBody>
{
    public static AcceptsMetadata Accepts => JsonBody.Accepts<V2SetDefaultVersionRequest>("application/json", "*/*");

    // A null body unpins, as {"version": null} does.
    public static ValueTask<Result<V2SetDefaultVersionHttpBody>> ReadAsync(HttpRequest request) =>
        JsonBody.ReadDocumentAsync(request, root =>
            V2VersionPolicyJson.Read(root).TryGetValue(out var change, out var error) ? new V2SetDefaultVersionHttpBody(change) : Result<V2SetDefaultVersionHttpBody>.Fail(error));
}
