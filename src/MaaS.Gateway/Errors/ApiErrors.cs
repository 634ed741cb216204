using System.Globalization;
using MaaS.Models.Inference;
using Microsoft.AspNetCore.Mvc;

namespace MaaS.Gateway.Errors;

/// <summary>
/// The one mapping from error values to HTTP: status codes and titles for <see cref="ApiError"/>, the translation from
/// <see cref="ModelFailure"/>, and ProblemDetails results for /v1 endpoints.
/// </summary>
internal static class ApiErrors
{
    /// <summary>Seconds clients are told to wait after a 429.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>HTTP status code of an error.</summary>
    public static int StatusCode(this ApiError error) => error switch
    {
        ApiError.InvalidRequest or ApiError.Unsupported => StatusCodes.Status400BadRequest,
        ApiError.Unauthorized => StatusCodes.Status401Unauthorized,
        ApiError.Forbidden => StatusCodes.Status403Forbidden,
        ApiError.ModelNotFound or ApiError.VersionNotFound or ApiError.NotFound => StatusCodes.Status404NotFound,
        ApiError.Conflict => StatusCodes.Status409Conflict,
        ApiError.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ApiError.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiError.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ApiError.Overloaded or ApiError.RateLimited => StatusCodes.Status429TooManyRequests,
        ApiError.ClientClosedRequest => 499,
        ApiError.InferenceFailed => StatusCodes.Status500InternalServerError,
        ApiError.ModelNotReady or ApiError.DependencyUnavailable => StatusCodes.Status503ServiceUnavailable,
        ApiError.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Short, stable title of an error (ProblemDetails <c>title</c>).</summary>
    public static string Title(this ApiError error) => error switch
    {
        ApiError.InvalidRequest => "Invalid request",
        ApiError.ModelNotFound => "Model not found",
        ApiError.VersionNotFound => "Model version not found",
        ApiError.NotFound => "Not found",
        ApiError.ModelNotReady => "Model not ready",
        ApiError.Overloaded => "Model overloaded",
        ApiError.RateLimited => "Too many requests",
        ApiError.Timeout => "Inference timed out",
        ApiError.ClientClosedRequest => "Client closed request",
        ApiError.InferenceFailed => "Inference failed",
        ApiError.Unsupported => "Operation not supported",
        ApiError.Conflict => "Conflict",
        ApiError.Unauthorized => "Unauthorized",
        ApiError.Forbidden => "Forbidden",
        ApiError.MethodNotAllowed => "Method not allowed",
        ApiError.PayloadTooLarge => "Payload too large",
        ApiError.UnsupportedMediaType => "Unsupported media type",
        ApiError.DependencyUnavailable => "Dependency unavailable",
        _ => "Error",
    };

    /// <summary>True for errors that tell the client to retry later (a Retry-After header is added).</summary>
    public static bool IsRetryable(this ApiError error) => error is ApiError.Overloaded or ApiError.RateLimited;

    /// <summary>The API error of a model failure.</summary>
    public static ApiError FromModel(ModelFailure failure) => failure switch
    {
        ModelFailure.ModelNotFound => ApiError.ModelNotFound,
        ModelFailure.VersionNotFound => ApiError.VersionNotFound,
        ModelFailure.NotReady => ApiError.ModelNotReady,
        ModelFailure.InvalidInput => ApiError.InvalidRequest,
        ModelFailure.Overloaded => ApiError.Overloaded,
        ModelFailure.Timeout => ApiError.Timeout,
        ModelFailure.Cancelled => ApiError.ClientClosedRequest,
        ModelFailure.Unsupported => ApiError.Unsupported,
        ModelFailure.RepositoryError => ApiError.InvalidRequest,
        _ => ApiError.InferenceFailed,
    };

    /// <summary>A ProblemDetails result (/v1) for an error; adds Retry-After to 429s.</summary>
    public static IResult Problem(ApiError error, string? detail = null) => Problem(error, detail, null);

    /// <summary>A ProblemDetails result (/v1) listing every broken rule under <c>errors</c> (when given); adds Retry-After to 429s.</summary>
    public static IResult Problem(ApiError error, string? detail, IReadOnlyList<Contracts.V1.FieldProblem>? errors)
    {
        var problem = new ProblemDetails
        {
            Status = error.StatusCode(),
            Title = error.Title(),
            Detail = detail,
            Type = $"https://maas.dev/errors/{error}",
        };
        problem.Extensions["code"] = error.ToString();
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        var result = TypedResults.Problem(problem);
        return error.IsRetryable() ? new RetryAfterResult(result, RetryAfterSeconds) : result;
    }

    /// <summary>A ProblemDetails result (/v1) for a failed model operation.</summary>
    public static IResult Problem<T>(ModelResult<T> failed) =>
        Problem(FromModel(failed.Failure), failed.Message);
}

/// <summary>Wraps a result and adds <c>Retry-After</c>.</summary>
internal sealed class RetryAfterResult(IResult inner, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(httpContext);
    }
}
