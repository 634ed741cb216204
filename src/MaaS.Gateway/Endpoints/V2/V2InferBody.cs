using MaaS.Core;
using System.Globalization;
using System.Text.Json;
using MaaS.Gateway.Contracts.V2;
using MaaS.Gateway.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>An infer request body: the JSON request and, with the binary tensor data extension, the bytes after it.</summary>
/// <param name="Request">The parsed JSON part.</param>
/// <param name="Binary">The binary part (empty when there is none).</param>
/// <param name="HasBinaryPart">Whether the request said where its JSON ends (<c>Inference-Header-Content-Length</c>).</param>
internal sealed record V2InferBody(V2InferRequest Request, ReadOnlyMemory<byte> Binary, bool HasBinaryPart)
{
    /// <summary>Request and response header: bytes of JSON at the start of the body; the rest is binary tensor data.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>
    /// Reads the body whatever its Content-Type. Without <see cref="HeaderLengthHeader"/> it is all JSON and is streamed
    /// into the parser; with it, the body is read whole (bounded by the server's request body limit) and split.
    /// </summary>
    public static async Task<(V2InferBody? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers[HeaderLengthHeader];
        if (header.Count == 0)
        {
            try
            {
                var json = await JsonSerializer.DeserializeAsync(request.Body, V2JsonContext.Web.V2InferRequest, cancellationToken);
                return json is null ? (null, NoInputs()) : (new V2InferBody(json, ReadOnlyMemory<byte>.Empty, false), null);
            }
            catch (JsonException e)
            {
                return (null, Unparsable(e));
            }
        }

        if (header.Count != 1 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out long jsonLength))
        {
            return (null, Invalid($"the {HeaderLengthHeader} header must be one non-negative integer, not '{Clip(header.ToString())}'"));
        }

        var (body, tooLarge) = await ReadWholeAsync(request, cancellationToken);
        if (body is null)
        {
            return (null, tooLarge);
        }

        if (jsonLength > body.Length)
        {
            return (null, Invalid($"the {HeaderLengthHeader} header says {jsonLength} bytes of JSON but the body has only {body.Length} bytes"));
        }

        V2InferRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body.AsSpan(0, (int)jsonLength), V2JsonContext.Web.V2InferRequest);
        }
        catch (JsonException e)
        {
            return (null, Unparsable(e));
        }

        return parsed is null ? (null, NoInputs()) : (new V2InferBody(parsed, body.AsMemory((int)jsonLength), true), null);
    }

    private static async Task<(byte[]? Body, IResult? Error)> ReadWholeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        long limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? Array.MaxLength;
        limit = Math.Min(limit, Array.MaxLength);
        if (request.ContentLength is long length)
        {
            // Checked before allocating: Kestrel would refuse the read anyway, but only after the buffer exists.
            if (length > limit)
            {
                return (null, V2Errors.Result(ErrorCode.PayloadTooLarge, $"the request body is {length} bytes; at most {limit} are accepted"));
            }

            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return (buffer, null);
        }

        // Chunked: Kestrel enforces the limit while reading (a BadHttpRequestException, answered as 413).
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return (copy.ToArray(), null);
    }

    private static IResult Invalid(string message) => V2Errors.Result(ErrorCode.InvalidRequest, message);

    private static IResult NoInputs() => Invalid("the request needs at least one input");

    private static IResult Unparsable(JsonException e) => Invalid($"failed to parse the request JSON: {e.Message}");

    private static string Clip(string text) => text.Length <= 32 ? text : text[..32] + "...";
}
