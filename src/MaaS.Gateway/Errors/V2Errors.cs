using MaaS.Core;
using MaaS.Gateway.Contracts.V2;

namespace MaaS.Gateway.Errors;

/// <summary>The Open Inference Protocol error writer: <c>{"error": "..."}</c> with the status of <see cref="ApiErrors"/>.</summary>
internal static class V2Errors
{
    /// <summary>An <c>{"error"}</c> result; adds Retry-After to 429s.</summary>
    public static IResult Result(ErrorCode error, string message)
    {
        var result = TypedResults.Json(new V2ErrorResponse(message), V2JsonContext.Web.V2ErrorResponse, statusCode: error.StatusCode());
        return error.IsRetryable() ? new RetryAfterResult(result, ApiErrors.RetryAfterSeconds) : result;
    }

    /// <summary>An <c>{"error"}</c> result for a failed model operation.</summary>
    public static IResult Result<T>(Result<T> failed) =>
        failed.Error is { } error ? Result(error.Code, error.Message) : throw new ArgumentException("not a failure", nameof(failed));
}
