using Microsoft.AspNetCore.Mvc;

namespace MaaS.Http.Errors;

/// <summary>
/// A /v1 error answer: the ProblemDetails of an error (status from <see cref="ApiErrors.StatusCode"/>, <c>code</c>,
/// <c>type</c>, every field problem under <c>errors</c>), written by the framework's <see cref="ProblemHttpResult"/>,
/// with Retry-After on 429s.
/// </summary>
internal class ApiProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    private static readonly string RetryAfter = ApiErrors.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    private readonly ProblemHttpResult _problem;
    private readonly bool _retryable;

    public ApiProblem(ErrorCode code, string? detail, IReadOnlyList<FieldProblem>? errors)
    {
        var problem = new ProblemDetails
        {
            Status = code.StatusCode(),
            Title = code.Title(),
            Detail = detail,
            Type = $"https://maas.dev/errors/{code}",
        };
        problem.Extensions["code"] = code.ToString();
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        _problem = TypedResults.Problem(problem);
        _retryable = code.IsRetryable();
    }

    public ApiProblem(Error error)
        : this(error.Code, error.Message, error.Problems)
    {
    }

    public int StatusCode => _problem.StatusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => Value;

    public string ContentType => _problem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (_retryable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfter;
        }

        return _problem.ExecuteAsync(httpContext);
    }
}

/// <summary>An <see cref="ApiProblem"/> that documents the statuses of <typeparamref name="TErrors"/> in OpenAPI.</summary>
internal sealed class ApiProblem<TErrors> : ApiProblem, IEndpointMetadataProvider
    where TErrors : IErrorSet
{
    public ApiProblem(Error error)
        : base(error)
    {
    }

    public ApiProblem(ErrorCode code, string detail)
        : base(code, detail, null)
    {
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        ErrorSetMetadata.Add<TErrors>(builder);
}
