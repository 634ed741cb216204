using MaaS.Grpc;

namespace MaaS.Gateway.Grpc;

/// <summary>
/// gRPC as the HTTP pipeline sees it: the middleware in front of every endpoint (security, admission) tells a gRPC call
/// from an HTTP request and refuses it in the call's own terms, with the status <see cref="GrpcErrors"/> maps.
/// </summary>
internal static class GrpcRequests
{
    /// <summary>Whether the request is a gRPC call (HTTP/2 with <c>application/grpc</c>, any suffix).</summary>
    public static bool IsGrpc(this HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Refuses a gRPC call before it reaches its service (authentication, authorization, rate limits): a trailers-only
    /// answer, HTTP 200 with <c>grpc-status</c> and <c>grpc-message</c> in the headers, which is what clients read; an
    /// HTTP 401 or 429 would reach them as UNAUTHENTICATED or UNAVAILABLE by the HTTP mapping, losing the message.
    /// </summary>
    public static Task WriteRefusalAsync(HttpContext context, ErrorCode code, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)GrpcErrors.StatusCode(code)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
