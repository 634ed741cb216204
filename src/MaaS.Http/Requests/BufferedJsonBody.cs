using System.Buffers;

namespace MaaS.Http.Requests;

/// <summary>
/// An optional JSON body kept as its UTF-8 bytes for a service that reads them its own way first (decide's
/// <c>DecideReader</c>), bound as <typeparamref name="T"/> only when that reader declines. A JSON body with a
/// Content-Length of at most <see cref="BufferedLimit"/> bytes (every usual one) is kept in a pooled buffer, returned
/// when the response is written; <see cref="Bind"/> then binds it from the same bytes exactly as
/// <see cref="JsonBody.ReadOptionalAsync"/> reads it from the stream, so the answers (and every error's wording) are
/// the same either way. Other bodies (none, not JSON-typed, streamed without a length, larger) are bound from the stream.
/// </summary>
/// <typeparam name="T">The request contract, read through the host's <see cref="HttpJsonContract{T}"/>.</typeparam>
internal sealed class BufferedJsonBody<T> : IRequestBody<BufferedJsonBody<T>>, IDisposable
    where T : class
{
    /// <summary>The largest body kept as bytes: a 256-feature, 256-action decide is far below it.</summary>
    private const int BufferedLimit = 64 * 1024;

    private readonly HttpJsonContract<T>? _contract;
    private readonly T? _bound;
    private byte[]? _rented;
    private int _length;

    private BufferedJsonBody(T? bound) => _bound = bound;

    private BufferedJsonBody(byte[] rented, int length, HttpJsonContract<T> contract) => (_rented, _length, _contract) = (rented, length, contract);

    public static AcceptsMetadata Accepts => JsonBody.AcceptsOptional<T>();

    /// <summary>The body's UTF-8 JSON; null when it was bound from the stream (<see cref="Bind"/> has it).</summary>
    public ReadOnlyMemory<byte>? Json => _rented is null ? null : _rented.AsMemory(0, _length);

    /// <summary>How the serializer would read the body, so a reader of <see cref="Json"/> accepts no body that binding would refuse.</summary>
    public JsonReaderOptions ReaderOptions => _contract?.ReaderOptions ?? default;

    public static async ValueTask<Result<BufferedJsonBody<T>>> ReadAsync(HttpRequest request)
    {
        var contract = request.HttpContext.RequestServices.GetRequiredService<HttpJsonContract<T>>();
        if (request.ContentLength is not (long length and > 0 and <= BufferedLimit) || !request.HasJsonContentType())
        {
            return await JsonBody.ReadOptionalAsync<T, BufferedJsonBody<T>>(request, contract.Type, static value => new BufferedJsonBody<T>(value), jsonContentTypeOnly: true);
        }
        var reader = request.BodyReader;
        var read = await reader.ReadAtLeastAsync((int)length, request.HttpContext.RequestAborted);
        var buffer = read.Buffer;
        byte[] rented;
        int copied;
        try
        {
            // A body shorter than its Content-Length is kept as it came and parses as truncated JSON, as the stream would.
            copied = (int)Math.Min(buffer.Length, length);
            rented = ArrayPool<byte>.Shared.Rent(copied);
            buffer.Slice(0, copied).CopyTo(rented);
        }
        finally
        {
            reader.AdvanceTo(buffer.End);
        }
        var body = new BufferedJsonBody<T>(rented, copied, contract);
        // Returned to the pool once the response is written, whether or not a handler ran.
        request.HttpContext.Response.RegisterForDispose(body);
        return body;
    }

    /// <summary>The request bound as <see cref="JsonBody.ReadOptionalAsync"/> binds it: null when none was sent, or the parse error in its wording.</summary>
    public Result<T?> Bind() => _rented is null ? _bound
        : JsonBody.ReadOptional<T, T?>(_rented.AsSpan(0, _length), _contract!.Type, static value => value);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
            _length = 0;
        }
    }
}
