namespace MaaS.Http.Answers;

/// <summary>
/// A 200 recommendation answer written with its own source-generated metadata (the gateway's <c>RecommendationsJsonContext</c>:
/// nulls left out). The framework's <c>Ok&lt;T&gt;</c> would resolve the same contract through the HTTP options, which
/// write nulls; documented in OpenAPI as the 200 response.
/// </summary>
/// <typeparam name="T">The answer's contract.</typeparam>
internal sealed class RecommendationJson<T>(T value, JsonTypeInfo<T> type)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => RecommendationJson.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => RecommendationJson.WriteAsync(httpContext, StatusCode, value, type);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>An answer with the Location of what it names, written like <see cref="RecommendationJson{T}"/>.</summary>
/// <typeparam name="T">The answer's contract.</typeparam>
internal abstract class RecommendationLocated<T>(int statusCode, string location, T value, JsonTypeInfo<T> type)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult
{
    public string Location => location;

    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => RecommendationJson.ContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        return RecommendationJson.WriteAsync(httpContext, StatusCode, value, type);
    }
}

/// <summary>A 202 recommendation answer with the Location of what was accepted.</summary>
/// <typeparam name="T">The answer's contract.</typeparam>
internal sealed class RecommendationAccepted<T>(string location, T value, JsonTypeInfo<T> type)
    : RecommendationLocated<T>(StatusCodes.Status202Accepted, location, value, type), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(T), ["application/json"]));
}

/// <summary>A 201 answer with the Location of what was created (RFC 9110: a PUT that creates its target).</summary>
/// <typeparam name="T">The answer's contract.</typeparam>
internal sealed class RecommendationCreated<T>(string location, T value, JsonTypeInfo<T> type)
    : RecommendationLocated<T>(StatusCodes.Status201Created, location, value, type), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
}

/// <summary>Creates the recommendation answers: the one mapping of a service's <see cref="Result{T}"/> to HTTP.</summary>
internal static class RecommendationJson
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>200 with the value, or the ProblemDetails of the failure.</summary>
    public static Results<RecommendationJson<T>, ApiProblem<TErrors>> OkOrProblem<T, TErrors>(Result<T> result, JsonTypeInfo<T> type)
        where TErrors : IErrorSet =>
        result.TryGetValue(out var value, out var error) ? new RecommendationJson<T>(value, type) : new ApiProblem<TErrors>(error);

    public static Task WriteAsync<T>(HttpContext httpContext, int statusCode, T value, JsonTypeInfo<T> type) =>
        JsonAnswerBuffer.WriteAsync(httpContext, statusCode, ContentType, value, type);
}
