using MaaS.Gateway.Grpc;

namespace MaaS.Gateway.Security;

/// <summary>
/// Writes security refusals (401, 403, 429, 503) in the request's protocol: a gRPC status on gRPC calls,
/// <c>{"error"}</c> on /v2, ProblemDetails elsewhere.
/// </summary>
internal static class SecurityResponses
{
    public static Task WriteAsync(HttpContext context, ErrorCode error, string detail) =>
        context.Request.IsGrpc()
            ? GrpcRequests.WriteRefusalAsync(context, error, detail)
            : Result(context, error, detail).ExecuteAsync(context);

    /// <summary>The refusal as a result, for filters that answer instead of the endpoint.</summary>
    public static IResult Result(HttpContext context, ErrorCode error, string detail) =>
        context.Request.Path.StartsWithSegments("/v2") ? V2Errors.Result(error, detail) : ApiErrors.Problem(error, detail);

    /// <summary>A 429 whose Retry-After is <paramref name="retryAfter"/>, rounded up to whole seconds (at least 1).</summary>
    public static Task WriteRateLimitedAsync(HttpContext context, string detail, TimeSpan retryAfter)
    {
        int seconds = Math.Max(1, (int)Math.Min(int.MaxValue, Math.Ceiling(retryAfter.TotalSeconds)));
        var response = context.Response;
        // OnStarting runs after the error writer has set its default Retry-After, just before headers go out.
        response.OnStarting(() =>
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return WriteAsync(context, ErrorCode.RateLimited, detail);
    }
}
