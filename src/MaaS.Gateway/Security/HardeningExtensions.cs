using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MaaS.Gateway.Security;

/// <summary>
/// Request limits and response headers: Kestrel body/header limits (uploads raise the body limit per endpoint),
/// JSON depth for /v1 bodies, the framework's request timeouts, and security headers on every response.
/// </summary>
internal static class HardeningExtensions
{
    /// <summary>Request timeout policy of uploads.</summary>
    public const string UploadTimeoutPolicy = "maas:upload";

    public static IServiceCollection AddGatewayHardening(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<AuthOptions>>((kestrel, auth) =>
        {
            var limits = auth.Value.Limits;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>().Configure<IOptions<AuthOptions>>((json, auth) =>
            json.SerializerOptions.MaxDepth = auth.Value.Limits.JsonMaxDepth);
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<AuthOptions>>((timeouts, auth) =>
        {
            var limits = auth.Value.Limits;
            timeouts.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(limits.RequestTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            };
            timeouts.AddPolicy(UploadTimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(limits.UploadTimeoutSeconds),
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
            });
        });
        services.AddRequestTimeouts();
        // A body or parameter that does not bind is the client's mistake: throw, so UseBadRequestMapping answers a 400
        // that says what is wrong (without it Production answers an empty 400 that status-code pages turn into a bare
        // ProblemDetails with no detail or code). It is caught below the exception handler, so it is never logged as unhandled.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// Kestrel reports bodies over the size limit, or too slow, by throwing <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/> from
    /// the read, and minimal APIs throw it for bodies and parameters that do not bind; an endpoint that reads the body
    /// itself would let it become a 500. Answer with its status and what is wrong instead (ProblemDetails on /v1, <c>{"error"}</c> on /v2).
    /// A request its client abandoned ends quietly with 499 instead of an error log.
    /// </summary>
    public static IApplicationBuilder UseBadRequestMapping(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await SecurityResponses.WriteAsync(context, BadRequests.Error(e), BadRequests.Describe(e));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a poll that timed out, a closed tab): nobody reads an answer and nothing failed on
            // this side, so it is not an error to log. 499 is the log's "client closed request" (nginx's convention).
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodeClientClosedRequest;
            }
        }
    });

    private const int StatusCodeClientClosedRequest = 499;

    /// <summary>Security headers; Swagger UI and the dashboard get a CSP that lets their own scripts and styles run.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger")
            ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
            : context.Request.Path.StartsWithSegments("/dashboard")
                // The dashboard's own stylesheet and script only: no inline script or style, forms post back to it.
                ? "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'";
        return next(context);
    });
}
