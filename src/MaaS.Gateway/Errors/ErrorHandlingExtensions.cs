using MaaS.Gateway.Contracts.V2;
using Microsoft.AspNetCore.Diagnostics;

namespace MaaS.Gateway.Errors;

/// <summary>
/// Error plumbing: ProblemDetails for /v1 and everything else, <c>{"error"}</c> for /v2, for unexpected exceptions too.
/// </summary>
internal static class ErrorHandlingExtensions
{
    public static IServiceCollection AddGatewayErrors(this IServiceCollection services)
    {
        services.AddProblemDetails();
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

/// <summary>Unexpected exceptions on /v2 become <c>{"error"}</c> 500s; elsewhere the ProblemDetails handler answers.</summary>
internal sealed partial class V2ExceptionHandler(ILogger<V2ExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            return false;
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
/// Unreadable request bodies (malformed JSON, wrong types) are the client's fault: 400 ProblemDetails on /v1, never a 500.
/// Minimal APIs throw them only in Development; elsewhere they answer an empty 400 that the status-code pages complete.
/// </summary>
internal sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            return false;
        }

        var result = ApiErrors.Problem(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ApiError.PayloadTooLarge : ApiError.InvalidRequest, bad.Message);
        await result.ExecuteAsync(httpContext);
        return true;
    }
}
