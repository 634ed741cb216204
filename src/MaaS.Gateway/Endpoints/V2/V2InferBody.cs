using System.Globalization;
using MaaS.Core;
using MaaS.Gateway.Contracts.V2;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>An infer request body: the JSON request and, with the binary tensor data extension, the bytes after it.</summary>
/// <param name="Request">The parsed JSON part.</param>
/// <param name="Binary">The binary part (empty when there is none).</param>
/// <param name="HasBinaryPart">Whether the request said where its JSON ends (<c>Inference-Header-Content-Length</c>).</param>
internal readonly record struct V2InferBody(V2InferRequest Request, ReadOnlyMemory<byte> Binary, bool HasBinaryPart) : IRequestBody<V2InferBody>
{
    /// <summary>Request and response header: bytes of JSON at the start of the body; the rest is binary tensor data.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    // A null body has no inputs, and the handler says so; never mutated.
    private static readonly V2InferRequest NoInputs = new();

    // The body is read as JSON whatever its Content-Type, as Triton does: "*/*" keeps routing from answering 415 for
    // curl's form default, no Content-Type at all, or octet-stream, while the JSON body is still documented.
    public static AcceptsMetadata Accepts => JsonBody.Accepts<V2InferRequest>("application/json", "*/*");

    /// <summary>
    /// Reads the body whatever its Content-Type. Without <see cref="HeaderLengthHeader"/> it is all JSON and is streamed
    /// into the parser; with it, the body is read whole (bounded by the server's request body limit) and split.
    /// </summary>
    public static async ValueTask<Result<V2InferBody>> ReadAsync(HttpRequest request)
    {
        var header = request.Headers[HeaderLengthHeader];
        if (header.Count == 0)
        {
            var json = await JsonBody.ReadAsync(request, V2JsonContext.Web.V2InferRequest, NoInputs);
            return json.TryGetValue(out var parsed, out var error) ? new V2InferBody(parsed, ReadOnlyMemory<byte>.Empty, false) : error;
        }

        if (header.Count != 1 || !long.TryParse(header[0], NumberStyles.None, CultureInfo.InvariantCulture, out long jsonLength))
        {
            return V2Mapping.Invalid($"the {HeaderLengthHeader} header must be one non-negative integer, not '{Clip(header.ToString())}'");
        }

        var whole = await ReadWholeAsync(request);
        if (!whole.TryGetValue(out byte[]? body, out var tooLarge))
        {
            return tooLarge;
        }

        if (jsonLength > body.Length)
        {
            return V2Mapping.Invalid($"the {HeaderLengthHeader} header says {jsonLength} bytes of JSON but the body has only {body.Length} bytes");
        }

        var head = JsonBody.Parse(body.AsSpan(0, (int)jsonLength), V2JsonContext.Web.V2InferRequest, NoInputs);
        return head.TryGetValue(out var headRequest, out var invalid) ? new V2InferBody(headRequest, body.AsMemory((int)jsonLength), true) : invalid;
    }

    private static async ValueTask<Result<byte[]>> ReadWholeAsync(HttpRequest request)
    {
        long limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? Array.MaxLength;
        limit = Math.Min(limit, Array.MaxLength);
        if (request.ContentLength is long length)
        {
            // Checked before allocating: Kestrel would refuse the read anyway, but only after the buffer exists.
            if (length > limit)
            {
                return Result<byte[]>.Fail(ErrorCode.PayloadTooLarge, $"the request body is {length} bytes; at most {limit} are accepted");
            }

            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, request.HttpContext.RequestAborted);
            return buffer;
        }

        // Chunked: Kestrel enforces the limit while reading (a BadHttpRequestException, answered as 413).
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        return copy.ToArray();
    }

    private static string Clip(string text) => text.Length <= 32 ? text : text[..32] + "...";
}
