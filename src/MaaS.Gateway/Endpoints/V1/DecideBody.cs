namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// The body of <c>POST /v1/agents/{name}/decide</c>. A JSON body with a Content-Length of at most
/// <see cref="BufferedLimit"/> bytes (every usual one) is kept as its UTF-8 bytes in a pooled buffer, which the agent's
/// own reader turns straight into its feature vectors (<see cref="AgentService.DecideAsync{TBody}"/>); when that reader declines,
/// <see cref="Bind"/> binds <see cref="DecideRequest"/> from the same bytes exactly as
/// <see cref="RecommendationBody{T}"/> reads it from the stream, so the answers (and every error's wording) are unchanged.
/// Other bodies (none, not JSON-typed, streamed without a length, larger) are read by <see cref="RecommendationBody{T}"/> itself.
/// </summary>
internal sealed class DecideBody : IRequestBody<DecideBody>, IDisposable
{
    /// <summary>The largest body kept as bytes: a 256-feature, 256-action request is far below it.</summary>
    private const int BufferedLimit = 64 * 1024;

    private readonly HttpJsonContract<DecideRequest>? _contract;
    private byte[]? _rented;
    private int _length;
    private readonly RecommendationBody<DecideRequest> _parsed;

    private DecideBody(RecommendationBody<DecideRequest> parsed) => _parsed = parsed;

    private DecideBody(byte[] rented, int length, HttpJsonContract<DecideRequest> contract) => (_rented, _length, _contract) = (rented, length, contract);

    public static AcceptsMetadata Accepts => RecommendationBody<DecideRequest>.Accepts;

    /// <summary>The body's UTF-8 JSON; empty when it was read the general way.</summary>
    public ReadOnlyMemory<byte> Json => _rented.AsMemory(0, _length);

    /// <summary>Whether <see cref="Json"/> holds the body (else <see cref="Bind"/> has it already bound).</summary>
    public bool IsBuffered => _rented is not null;

    /// <summary>How the serializer would read the body.</summary>
    public JsonReaderOptions ReaderOptions => _contract?.ReaderOptions ?? default;

    public static async ValueTask<Result<DecideBody>> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength is not (long length and > 0 and <= BufferedLimit) || !request.HasJsonContentType())
        {
            var general = await RecommendationBody<DecideRequest>.ReadAsync(request);
            return general.TryGetValue(out var parsed, out var error) ? new DecideBody(parsed) : error;
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
        var body = new DecideBody(rented, copied, request.HttpContext.RequestServices.GetRequiredService<HttpJsonContract<DecideRequest>>());
        // Returned to the pool once the response is written, whether or not a handler ran.
        request.HttpContext.Response.RegisterForDispose(body);
        return body;
    }

    /// <summary>The request bound as <see cref="RecommendationBody{T}"/> binds it: null when none was sent, or the parse error in its wording.</summary>
    public Result<DecideRequest?> Bind() => _rented is null ? _parsed.Value
        : JsonBody.ReadOptional<DecideRequest, DecideRequest?>(Json.Span, _contract!.Type, static value => value);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
            _length = 0;
        }
    }
}
