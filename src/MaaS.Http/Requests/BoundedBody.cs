using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Http.Requests;

/// <summary>A raw body read whole under a limit of the endpoint's own, which may be above the host's general body limit (a training's dataset).</summary>
internal static class BoundedBody
{
    /// <summary>
    /// The body, or null when it is longer than <paramref name="limit"/> bytes (by its Content-Length or as it is read).
    /// The host's body size limit is raised to just past <paramref name="limit"/> for this request, never lowered, so
    /// the caller words the refusal of a larger body itself.
    /// </summary>
    /// <param name="http">The request's context.</param>
    /// <param name="limit">The largest body accepted, in bytes.</param>
    public static async Task<byte[]?> ReadAsync(HttpContext http, long limit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && size.MaxRequestBodySize < limit + 1)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }
}
