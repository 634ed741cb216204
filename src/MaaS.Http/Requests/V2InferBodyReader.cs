using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace MaaS.Http.Requests;

/// <summary>
/// An infer body a host binds: read by <see cref="V2InferBodyReader"/> whatever its Content-Type, as Triton does, and
/// made by the host's type, which adds what the host needs of it (the gateway: its cost).
/// </summary>
/// <typeparam name="TSelf">The body type itself.</typeparam>
internal interface IV2InferBody<TSelf> : IRequestBody<TSelf>
    where TSelf : IV2InferBody<TSelf>
{
    /// <summary>Makes the bound body of the body read, its length (or the most it could have been when it was
    /// streamed without one) and when its reading began (a <see cref="System.Diagnostics.Stopwatch"/> timestamp, a
    /// trace's HTTP_RECV_START).</summary>
    static abstract TSelf Create(V2InferBody body, long bodyBytes, long readStart);

    // "*/*" keeps routing from answering 415 for curl's form default, no Content-Type at all, or octet-stream, while the
    // JSON body is still documented.
    static AcceptsMetadata IRequestBody<TSelf>.Accepts => JsonBody.Accepts<V2InferRequest>("application/json", "*/*");

    static ValueTask<Result<TSelf>> IRequestBody<TSelf>.ReadAsync(HttpRequest request) => V2InferBodyReader.ReadAsync<TSelf>(request);
}

/// <summary>Reads an infer request's HTTP body into the protocol's <see cref="V2InferBody"/>.</summary>
internal static class V2InferBodyReader
{
    /// <summary>
    /// Reads the body whatever its Content-Type. Without <see cref="V2InferBody.HeaderLengthHeader"/> it is all JSON and
    /// is streamed into the parser; with it, the body is read whole (bounded by the server's request body limit) and split.
    /// </summary>
    /// <typeparam name="TBody">The bound body type.</typeparam>
    /// <param name="request">The request.</param>
    public static async ValueTask<Result<TBody>> ReadAsync<TBody>(HttpRequest request)
        where TBody : IV2InferBody<TBody>
    {
        long readStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var header = request.Headers[V2InferBody.HeaderLengthHeader];
        if (header.Count == 0)
        {
            if (request.ContentLength is long small and > 0 and <= BufferedJsonLimit)
            {
                return await ReadBufferedJsonAsync<TBody>(request, (int)small, readStart);
            }

            var json = await JsonBody.ReadAsync(request, V2JsonContext.Web.V2InferRequest, V2InferBody.NoInputs);
            long bytes = request.ContentLength ?? request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue;
            return json.TryGetValue(out var parsed, out var error) ? TBody.Create(V2InferBody.Json(parsed), bytes, readStart) : error;
        }

        if (!V2InferBody.ParseJsonLength(header.ToString()).TryGetValue(out long declared, out var badHeader))
        {
            return badHeader;
        }

        var whole = await ReadWholeAsync(request);
        if (!whole.TryGetValue(out byte[]? body, out var tooLarge))
        {
            return tooLarge;
        }

        if (!V2InferBody.CheckJsonLength(declared, body.Length).TryGetValue(out int jsonLength, out var tooLong))
        {
            return tooLong;
        }

        var head = JsonBody.Parse(body.AsSpan(0, jsonLength), V2JsonContext.Web.V2InferRequest, V2InferBody.NoInputs);
        return head.TryGetValue(out var headRequest, out var invalid)
            ? TBody.Create(V2InferBody.WithBinary(headRequest, body.AsMemory(jsonLength)), body.Length, readStart)
            : invalid;
    }

    // The usual infer body is a few hundred bytes: waiting for all of it on the pipe and parsing it synchronously costs
    // less than the serializer's async stream path (its rented buffer and resumable state), measured in docs/benchmarks.md.
    private const int BufferedJsonLimit = 64 * 1024;

    private static async ValueTask<Result<TBody>> ReadBufferedJsonAsync<TBody>(HttpRequest request, int length, long readStart)
        where TBody : IV2InferBody<TBody>
    {
        var reader = request.BodyReader;
        var read = await reader.ReadAtLeastAsync(length, request.HttpContext.RequestAborted);
        var buffer = read.Buffer;
        try
        {
            // A body shorter than its Content-Length parses as truncated JSON, as the stream path would report it.
            var json = buffer.Length > length ? buffer.Slice(0, length) : buffer;
            var parsed = json.IsSingleSegment
                ? JsonBody.Parse(json.FirstSpan, V2JsonContext.Web.V2InferRequest, V2InferBody.NoInputs)
                : ParseCopy(json);
            return parsed.TryGetValue(out var value, out var error) ? TBody.Create(V2InferBody.Json(value), length, readStart) : error;
        }
        finally
        {
            reader.AdvanceTo(buffer.End);
        }
    }

    private static Result<V2InferRequest> ParseCopy(in ReadOnlySequence<byte> json)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent((int)json.Length);
        try
        {
            json.CopyTo(copy);
            return JsonBody.Parse(copy.AsSpan(0, (int)json.Length), V2JsonContext.Web.V2InferRequest, V2InferBody.NoInputs);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
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
}
