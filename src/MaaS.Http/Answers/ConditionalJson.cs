using Microsoft.Net.Http.Headers;

namespace MaaS.Http.Answers;

/// <summary>
/// A GET answer a browser may keep and ask again about (RFC 9111, RFC 9110 §13): written like
/// <see cref="RecommendationJson{T}"/> with its <c>ETag</c> and <c>Cache-Control</c>, or a bodiless 304 Not Modified
/// with both when the request's <c>If-None-Match</c> names the tag (weak comparison, or <c>*</c>), in which case the
/// answer is never computed. <c>Vary</c> names the API key's headers: the answer is the key's tenant's. Documented in
/// OpenAPI as the 200 and the 304.
/// </summary>
/// <typeparam name="T">The answer's contract.</typeparam>
/// <param name="entityTag">The quoted entity tag of what the answer is computed from: the same tag, the same bytes.</param>
/// <param name="cacheControl">The Cache-Control directives.</param>
/// <param name="value">Computes the answer; called only for a 200.</param>
/// <param name="type">The answer's source-generated metadata.</param>
internal sealed class ConditionalJson<T>(string entityTag, string cacheControl, Func<T> value, JsonTypeInfo<T> type) : IResult, IEndpointMetadataProvider
{
    /// <summary>The request headers a key is sent in; what the answer varies by.</summary>
    public const string VaryBy = "Authorization, X-Api-Key";

    public string EntityTag => entityTag;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var headers = httpContext.Response.Headers;
        headers.ETag = entityTag;
        headers.CacheControl = cacheControl;
        headers.Vary = VaryBy;
        if (NotModified(httpContext.Request, entityTag))
        {
            httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return RecommendationJson.WriteAsync(httpContext, StatusCodes.Status200OK, value(), type);
    }

    /// <summary>Whether the request's If-None-Match names <paramref name="entityTag"/> (weak comparison, RFC 9110 §13.1.2) or is <c>*</c>.</summary>
    public static bool NotModified(HttpRequest request, string entityTag)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.IfNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(entityTag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status304NotModified, typeof(void)));
    }
}
