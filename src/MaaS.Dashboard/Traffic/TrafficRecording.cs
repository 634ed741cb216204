using System.Diagnostics;
using MaaS.Services.Keys;
using Microsoft.AspNetCore.Http.Metadata;

namespace MaaS.Dashboard.Traffic;

/// <summary>
/// Feeds the <see cref="TrafficRing"/> from every request of the host that mounts the dashboard (its middleware, placed by
/// the host where the request's endpoint and key are known): the endpoint's first tag is its family, the route's
/// <c>{name}</c> its model (not for a 404, so unknown names add no series), the caller's tenant from the key. The
/// dashboard, Swagger UI, metrics and health endpoints are not counted: watching must not change what is watched.
/// </summary>
public static class TrafficRecording
{
    /// <summary>Family of requests that matched no endpoint (404s, 405s).</summary>
    public const string Unmatched = "Unmatched";

    /// <summary>Records every request that <paramref name="app"/> serves after this point, once it has its answer.</summary>
    public static IApplicationBuilder UseTrafficRing(this IApplicationBuilder app)
    {
        var ring = app.ApplicationServices.GetRequiredService<TrafficRing>();
        return app.Use(async (context, next) =>
        {
            if (IsOwnTraffic(context.Request.Path))
            {
                await next(context);
                return;
            }

            long started = Stopwatch.GetTimestamp();
            bool failed = false;
            try
            {
                await next(context);
            }
            catch
            {
                failed = true;
                throw;
            }
            finally
            {
                Record(ring, context, failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
    }

    private static bool IsOwnTraffic(PathString path) =>
        path.StartsWithSegments("/dashboard") || path.StartsWithSegments("/swagger") || path.StartsWithSegments("/metrics")
        || path.StartsWithSegments("/health") || path.StartsWithSegments("/favicon.ico");

    private static void Record(TrafficRing ring, HttpContext context, int status, double elapsedMs)
    {
        var endpoint = context.GetEndpoint();
        string family = endpoint?.Metadata.GetMetadata<ITagsMetadata>()?.Tags is [var tag, ..] ? tag : Unmatched;
        string? model = status != StatusCodes.Status404NotFound && context.GetRouteValue("name") is string name && name.Length <= 128 ? name : null;
        var identity = context.Features.Get<ApiKeyIdentity>();
        string tenant = identity?.Tenant ?? TrafficRing.Anonymous;
        ring.Record(tenant, family, model, status, elapsedMs);
        if (status == StatusCodes.Status429TooManyRequests && identity is not null)
        {
            ring.RecordThrottled(identity.KeyId, identity.Tenant);
        }
    }
}
