using MaaS.Gateway.Grpc;

namespace MaaS.Gateway.Security;

/// <summary>
/// Writes security refusals (401, 403, 429, 503) in the request's protocol: a gRPC status on gRPC calls,
/// <c>{"error"}</c> on /v2, ProblemDetails elsewhere.
/// </summary>
internal static class SecurityResponses
{
    public static Task WriteAsync(HttpContext context, ErrorCode error, string detail)
    {
        if (context.Request.IsGrpc())
        {
            return GrpcErrors.WriteRefusalAsync(context, error, detail);
        }

        var result = context.Request.Path.StartsWithSegments("/v2")
            ? V2Errors.Result(error, detail)
            : ApiErrors.Problem(error, detail);
        return result.ExecuteAsync(context);
    }
}
