using Microsoft.AspNetCore.Http.Extensions;

namespace MaaS.Http.Paging;

/// <summary>
/// The <c>Link</c> header (RFC 8288) of a list answer that has more items: the request's own URL with <c>after</c> set
/// to where the next page starts, every other query parameter (limit, filters) kept, so a client follows
/// <c>rel="next"</c> until an answer has none. The body stays the list itself.
/// </summary>
internal static class NextPageLink
{
    /// <summary>The query parameter that names the last item of the previous page.</summary>
    public const string After = "after";

    /// <summary>Adds <c>Link: &lt;…after=<paramref name="nextAfter"/>&gt;; rel="next"</c>; nothing when <paramref name="nextAfter"/> is null.</summary>
    public static void Set(HttpContext http, string? nextAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (nextAfter is not null)
        {
            http.Response.Headers.Append("Link", $"<{Url(http.Request, nextAfter)}>; rel=\"next\"");
        }
    }

    /// <summary>The URL of the next page, relative to the server (path base, path and query).</summary>
    public static string Url(HttpRequest request, string nextAfter)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new QueryBuilder(request.Query
            .Where(p => !string.Equals(p.Key, After, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? ""))))
        {
            { After, nextAfter },
        };
        return $"{request.PathBase}{request.Path}{query}";
    }
}
