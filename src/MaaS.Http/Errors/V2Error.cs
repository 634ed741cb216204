namespace MaaS.Http.Errors;

/// <summary>
/// A /v2 error answer: the Open Inference Protocol's <c>{"error": "..."}</c> with the status of its
/// <see cref="ErrorCode"/> (<see cref="ApiErrors.StatusCode"/>), and Retry-After on 429s.
/// </summary>
internal class V2Error(ErrorCode code, string message) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<V2ErrorResponse>, IContentTypeHttpResult
{
    private static readonly string RetryAfter = ApiErrors.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    public V2Error(Error error)
        : this(error.Code, error.Message)
    {
    }

    public int StatusCode { get; } = code.StatusCode();

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public V2ErrorResponse Value { get; } = new(message);

    object? IValueHttpResult.Value => Value;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (code.IsRetryable())
        {
            response.Headers.RetryAfter = RetryAfter;
        }

        response.StatusCode = StatusCode;
        return response.WriteAsJsonAsync(Value, V2JsonContext.Web.V2ErrorResponse, ContentType, httpContext.RequestAborted);
    }
}

/// <summary>A <see cref="V2Error"/> that documents the statuses of <typeparamref name="TErrors"/> in OpenAPI.</summary>
internal sealed class V2Error<TErrors>(ErrorCode code, string message) : V2Error(code, message), IEndpointMetadataProvider
    where TErrors : IErrorSet
{
    public V2Error(Error error)
        : this(error.Code, error.Message)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        ErrorSetMetadata.Add<TErrors>(builder);
}
