using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Http.Errors;

/// <summary>
/// Error plumbing: ProblemDetails for /v1 and everything else, <c>{"error"}</c> for /v2, OpenAI's error object under
/// <c>/openai</c>, for unexpected exceptions too.
/// </summary>
internal static class ErrorHandlingExtensions
{
    public static IServiceCollection AddGatewayErrors(this IServiceCollection services)
    {
        // Before AddProblemDetails: writers are tried in registration order, /v2 must get {"error"} and OpenAI's base
        // URL OpenAI's {"error": {...}}.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, V2ProblemDetailsWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAiProblemDetailsWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = FrameworkProblems.AddCode);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<V2ExceptionHandler>();
        return services;
    }

    public static IApplicationBuilder UseGatewayErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>
/// The framework's own /v1 answers (status-code pages: an unknown path, a wrong method, a wrong Content-Type; a 401/403
/// from the authorization middleware) get the same <c>code</c> and <c>type</c> as the gateway's errors, so a client
/// switches on one field. Problems that already carry a code (every <see cref="ApiErrors.Problem(ErrorCode, string?)"/>)
/// and statuses without an error value (a 500 from an exception) are left as they are.
/// </summary>
internal static class FrameworkProblems
{
    public static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code") || ForStatus(problem.Status) is not { } error)
        {
            return;
        }

        problem.Extensions["code"] = error.ToString();
        problem.Type = $"https://maas.dev/errors/{error}";
        problem.Title = error.Title();
        problem.Detail ??= Describe(problem.Status ?? context.HttpContext.Response.StatusCode, context.HttpContext);
    }

    /// <summary>
    /// What the client should change, for the framework's own refusals of a request no endpoint took: the path, the
    /// methods the path allows, the Content-Type sent; null for the statuses that say no more than their title.
    /// </summary>
    public static string? Describe(int status, HttpContext http) => status switch
    {
        StatusCodes.Status404NotFound => $"no such endpoint: {http.Request.Method} {http.Request.Path}",
        StatusCodes.Status405MethodNotAllowed => $"method {http.Request.Method} is not allowed on {http.Request.Path}" +
            (http.Response.Headers.Allow is { Count: > 0 } allow ? $"; it allows {allow}" : string.Empty),
        StatusCodes.Status415UnsupportedMediaType =>
            (http.Request.ContentType is { Length: > 0 } type ? $"unsupported Content-Type '{type}'" : "the request has no Content-Type") +
            (http.Request.Path.StartsWithSegments("/v1") ? "; JSON bodies need Content-Type: application/json" : string.Empty),
        _ => null,
    };

    public static ErrorCode? ForStatus(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorCode.InvalidRequest,
        StatusCodes.Status401Unauthorized => ErrorCode.Unauthorized,
        StatusCodes.Status403Forbidden => ErrorCode.Forbidden,
        StatusCodes.Status404NotFound => ErrorCode.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCode.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ErrorCode.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCode.UnsupportedMediaType,
        _ => null,
    };
}

/// <summary>
/// Exceptions on /v2 become <c>{"error"}</c>: unreadable requests (<see cref="BadHttpRequestException"/>, e.g. a body
/// over the size limit) with their own status, anything else a logged 500; elsewhere the ProblemDetails handlers answer.
/// </summary>
internal sealed partial class V2ExceptionHandler(ILogger<V2ExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            return false;
        }

        if (exception is BadHttpRequestException bad)
        {
            await V2Errors.Result(BadRequests.Error(bad), BadRequests.Describe(bad)).ExecuteAsync(httpContext);
            return true;
        }

        LogUnhandled(logger, httpContext.Request.Path, exception);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await httpContext.Response.WriteAsJsonAsync(new V2ErrorResponse("internal server error"), V2JsonContext.Web.V2ErrorResponse, cancellationToken: cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception exception);
}

/// <summary>
/// Unreadable requests (malformed JSON, wrong types, parameters that do not bind) are the client's fault: 400
/// ProblemDetails with code InvalidRequest on /v1, never a 500. Minimal APIs throw them because
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on; most are answered earlier by <c>UseBadRequestMapping</c>, this
/// handler catches the ones thrown before it in the pipeline.
/// </summary>
internal sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            return false;
        }

        await ApiErrors.Problem(BadRequests.Error(bad), BadRequests.Describe(bad)).ExecuteAsync(httpContext);
        return true;
    }
}
