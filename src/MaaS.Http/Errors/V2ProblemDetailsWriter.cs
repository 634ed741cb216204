using Microsoft.AspNetCore.WebUtilities;

namespace MaaS.Http.Errors;

/// <summary>
/// Renders the framework's own error answers under <c>/v2</c> (status-code pages: unknown routes, 405, 415; the
/// exception handler's fallback) as the Open Inference Protocol's <c>{"error": "..."}</c> instead of ProblemDetails.
/// Registered ahead of the default writer, so it wins for /v2 and declines everywhere else.
/// </summary>
internal sealed class V2ProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments("/v2");

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        int status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        http.Response.StatusCode = status;
        string message = context.ProblemDetails.Detail ?? Describe(status, http.Request);
        return new ValueTask(http.Response.WriteAsJsonAsync(
            new V2ErrorResponse(message), V2JsonContext.Web.V2ErrorResponse, cancellationToken: http.RequestAborted));
    }

    private static string Describe(int status, HttpRequest request) =>
        FrameworkProblems.Describe(status, request.HttpContext)
        ?? (ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase.ToLowerInvariant() : $"HTTP {status}");
}
