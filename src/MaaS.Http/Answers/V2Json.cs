namespace MaaS.Http.Answers;

/// <summary>
/// A /v2 answer written with the protocol's snake_case JSON (<see cref="Models.OpenInference.V2JsonContext"/>), which the
/// framework's <c>Ok&lt;T&gt;</c> (camelCase options) cannot write; documented in OpenAPI as the 200 response.
/// </summary>
/// <typeparam name="T">The answer's contract.</typeparam>
internal sealed class V2Json<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext) => JsonAnswerBuffer.WriteAsync(httpContext, statusCode, ContentType, value, type);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>Creates <see cref="V2Json{T}"/> with the type inferred.</summary>
internal static class V2Json
{
    public static V2Json<T> Ok<T>(T value, JsonTypeInfo<T> type) => new(value, type);
}
