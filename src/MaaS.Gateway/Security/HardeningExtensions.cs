using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

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
        // A body that does not bind is the client's mistake (400), in Development too, never an exception.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        return services;
    }

    /// <summary>
    /// Kestrel reports bodies over the size limit, or too slow, by throwing <see cref="Microsoft.AspNetCore.Http.BadHttpRequestException"/> from
    /// the read; an endpoint that reads the body itself would let it become a 500. Answer with its status instead.
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
            var error = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Errors.ApiError.PayloadTooLarge : Errors.ApiError.InvalidRequest;
            await SecurityResponses.WriteAsync(context, error, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "the request body is larger than the server accepts"
                : "the request could not be read");
        }
    });

    /// <summary>Security headers; Swagger UI gets a CSP that lets its own scripts and styles run.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger")
            ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
            : "default-src 'none'; frame-ancestors 'none'";
        return next(context);
    });
}
