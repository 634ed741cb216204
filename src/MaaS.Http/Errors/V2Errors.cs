namespace MaaS.Http.Errors;

/// <summary>The Open Inference Protocol error writer for callers outside the /v2 handlers (security refusals, exceptions).</summary>
internal static class V2Errors
{
    /// <summary>An <c>{"error"}</c> result; adds Retry-After to 429s.</summary>
    public static IResult Result(ErrorCode error, string message) => new V2Error(error, message);

    /// <summary>An <c>{"error"}</c> result for a failed model operation.</summary>
    public static IResult Result<T>(Result<T> failed) =>
        failed.Error is { } error ? new V2Error(error) : throw new ArgumentException("not a failure", nameof(failed));
}
