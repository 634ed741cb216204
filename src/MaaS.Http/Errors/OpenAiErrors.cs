using System.Text.Json.Serialization;

namespace MaaS.Http.Errors;

/// <summary>
/// OpenAI's error body, <c>{"error": {"message", "type", "param", "code"}}</c>, for every error under OpenAI's base URL
/// (<c>/openai</c>): OpenAI's client libraries read it into their exceptions (the .NET library's message is
/// <c>HTTP 404 (invalid_request_error: model_not_found)</c>, then <c>Parameter: input</c>, then the message).
/// </summary>
/// <param name="Error">The error.</param>
internal sealed record OpenAiErrorResponse([property: JsonPropertyName("error")] OpenAiError Error);

/// <summary>One OpenAI error.</summary>
/// <param name="Message">What went wrong, for people: the same words as the ProblemDetails' <c>detail</c> on /v1.</param>
/// <param name="Type">OpenAI's class of error: <c>invalid_request_error</c> for a 4xx, <c>rate_limit_error</c> for a 429,
/// <c>service_unavailable_error</c> for a 503 and <c>server_error</c> for any other 5xx.</param>
/// <param name="Param">The request member at fault (the first field problem's path), or null.</param>
/// <param name="Code">The gateway's error code in snake_case (<c>model_not_found</c>), with OpenAI's own words where
/// OpenAI has one for the same failure: <c>invalid_api_key</c> for a 401 and <c>rate_limit_exceeded</c> for a key over
/// its rate.</param>
internal sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code)
{
    /// <summary>The error of <paramref name="code"/> (null when the status has no gateway code, e.g. a 500).</summary>
    public static OpenAiError Of(ErrorCode? code, int status, string message, string? param) =>
        new(message, TypeOf(status), param, code switch
        {
            null => null,
            ErrorCode.Unauthorized => "invalid_api_key",
            ErrorCode.RateLimited => "rate_limit_exceeded",
            { } other => JsonNamingPolicy.SnakeCaseLower.ConvertName(other.ToString()),
        });

    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };
}

/// <summary>Source-generated JSON of <see cref="OpenAiErrorResponse"/>: <c>param</c> and <c>code</c> written as null, as OpenAI does.</summary>
[JsonSerializable(typeof(OpenAiErrorResponse))]
internal sealed partial class OpenAiErrorJsonContext : JsonSerializerContext;

/// <summary>
/// Writes every ProblemDetails answer under <c>/openai</c> (the gateway's own errors, the framework's status-code pages,
/// security refusals, unhandled exceptions) as OpenAI's <see cref="OpenAiErrorResponse"/>, with the same status and
/// Retry-After. Registered ahead of the default writer, like <see cref="V2ProblemDetailsWriter"/>.
/// </summary>
internal sealed class OpenAiProblemDetailsWriter : IProblemDetailsWriter
{
    /// <summary>OpenAI's base URL on the gateway.</summary>
    public static readonly PathString BasePath = new("/openai");

    // Quotes and non-ASCII in messages unescaped, as /v2's answers (application/json, never embedded in HTML).
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<OpenAiErrorResponse> Json =
        new OpenAiErrorJsonContext(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).OpenAiErrorResponse;

    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(BasePath);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        int status = problem.Status ?? http.Response.StatusCode;
        http.Response.StatusCode = status;
        ErrorCode? code = problem.Extensions.TryGetValue("code", out var named) && Enum.TryParse(named as string, out ErrorCode parsed)
            ? parsed
            : FrameworkProblems.ForStatus(status);
        string message = problem.Detail
            ?? FrameworkProblems.Describe(status, http)
            ?? code?.Title().ToLowerInvariant()
            ?? problem.Title?.ToLowerInvariant()
            ?? $"HTTP {status}";
        string? param = problem.Extensions.TryGetValue("errors", out var errors) && errors is IReadOnlyList<FieldProblem> { Count: > 0 } list
            ? list[0].Field
            : null;
        var body = new OpenAiErrorResponse(OpenAiError.Of(code, status, message, param));
        return new ValueTask(http.Response.WriteAsJsonAsync(body, Json, cancellationToken: http.RequestAborted));
    }
}
