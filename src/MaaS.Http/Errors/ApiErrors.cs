namespace MaaS.Http.Errors;

/// <summary>
/// The one mapping from error values to HTTP: status codes and titles for <see cref="ErrorCode"/>, and ProblemDetails
/// results for /v1 endpoints.
/// </summary>
internal static class ApiErrors
{
    /// <summary>
    /// The ProblemDetails a /v1 endpoint answers <paramref name="error"/> with (what <see cref="Problem(Error)"/> writes,
    /// less the response's own headers): a batch line of a MaaS endpoint carries it as its body.
    /// </summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails ProblemDetailsOf(Error error) => new ApiProblem(error).Value;

    /// <summary>Seconds clients are told to wait after a 429.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>HTTP status code of an error.</summary>
    public static int StatusCode(this ErrorCode error) => error switch
    {
        ErrorCode.InvalidRequest or ErrorCode.Unsupported or ErrorCode.AlreadyExists => StatusCodes.Status400BadRequest,
        ErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.ModelNotFound or ErrorCode.VersionNotFound or ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.Conflict => StatusCodes.Status409Conflict,
        ErrorCode.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ErrorCode.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorCode.Overloaded or ErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCode.ClientClosedRequest => 499,
        ErrorCode.InferenceFailed => StatusCodes.Status500InternalServerError,
        ErrorCode.ModelNotReady or ErrorCode.DependencyUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCode.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Short, stable title of an error (ProblemDetails <c>title</c>).</summary>
    public static string Title(this ErrorCode error) => error switch
    {
        ErrorCode.InvalidRequest => "Invalid request",
        ErrorCode.ModelNotFound => "Model not found",
        ErrorCode.VersionNotFound => "Model version not found",
        ErrorCode.NotFound => "Not found",
        ErrorCode.ModelNotReady => "Model not ready",
        ErrorCode.Overloaded => "Model overloaded",
        ErrorCode.RateLimited => "Too many requests",
        ErrorCode.Timeout => "Inference timed out",
        ErrorCode.ClientClosedRequest => "Client closed request",
        ErrorCode.InferenceFailed => "Inference failed",
        ErrorCode.Unsupported => "Operation not supported",
        ErrorCode.Conflict => "Conflict",
        ErrorCode.AlreadyExists => "Already exists",
        ErrorCode.Unauthorized => "Unauthorized",
        ErrorCode.Forbidden => "Forbidden",
        ErrorCode.MethodNotAllowed => "Method not allowed",
        ErrorCode.PayloadTooLarge => "Payload too large",
        ErrorCode.UnsupportedMediaType => "Unsupported media type",
        ErrorCode.DependencyUnavailable => "Dependency unavailable",
        _ => "Error",
    };

    /// <summary>True for errors that tell the client to retry later (a Retry-After header is added).</summary>
    public static bool IsRetryable(this ErrorCode error) => error is ErrorCode.Overloaded or ErrorCode.RateLimited;

    /// <summary>A ProblemDetails result (/v1) for an error; adds Retry-After to 429s.</summary>
    public static IResult Problem(ErrorCode error, string? detail = null) => Problem(error, detail, null);

    /// <summary>A ProblemDetails result (/v1) listing every broken rule under <c>errors</c> (when given); adds Retry-After to 429s.</summary>
    public static IResult Problem(ErrorCode error, string? detail, IReadOnlyList<FieldProblem>? errors) => new ApiProblem(error, detail, errors);

    /// <summary>The ProblemDetails result (/v1) of an error, with its field problems.</summary>
    public static IResult Problem(Error error) => new ApiProblem(error);
}
