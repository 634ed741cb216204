using System.Text.Json.Serialization.Metadata;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace MaaS.Gateway.Endpoints.V1;

/// <summary>
/// The body of <c>POST /v1/agents/{name}/decide</c>. A JSON body with a Content-Length of at most
/// <see cref="BufferedLimit"/> bytes (every usual one) is kept as its UTF-8 bytes in a pooled buffer, which the agent's
/// own reader turns straight into its feature vectors (<see cref="AgentService.TryDecideAsync"/>); when that reader declines,
/// <see cref="ParseAsync"/> binds <see cref="DecideRequest"/> from the same bytes exactly as
/// <see cref="RecommendationBody{T}"/> reads it from the stream, so the answers (and every error's wording) are unchanged.
/// Other bodies (none, not JSON-typed, streamed without a length, larger) are read by <see cref="RecommendationBody{T}"/> itself.
/// </summary>
internal sealed class DecideBody : IRequestBody<DecideBody>, IDisposable
{
    /// <summary>The largest body kept as bytes: a 256-feature, 256-action request is far below it.</summary>
    private const int BufferedLimit = 64 * 1024;

    private readonly JsonSerializerOptions? _options;
    private byte[]? _rented;
    private int _length;
    private readonly RecommendationBody<DecideRequest> _parsed;

    private DecideBody(RecommendationBody<DecideRequest> parsed) => _parsed = parsed;

    private DecideBody(byte[] rented, int length, JsonSerializerOptions options)
    {
        _rented = rented;
        _length = length;
        _options = options;
        ReaderOptions = new JsonReaderOptions
        {
            // The serializer's own limits, so the direct reader accepts no body that binding would refuse.
            MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
            CommentHandling = options.ReadCommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
        };
    }

    public static AcceptsMetadata Accepts => RecommendationBody<DecideRequest>.Accepts;

    /// <summary>The body's UTF-8 JSON; empty when it was read the general way.</summary>
    public ReadOnlyMemory<byte> Json => _rented.AsMemory(0, _length);

    /// <summary>Whether <see cref="Json"/> holds the body (else <see cref="ParseAsync"/> has it already bound).</summary>
    public bool IsBuffered => _rented is not null;

    /// <summary>How the serializer would read the body.</summary>
    public JsonReaderOptions ReaderOptions { get; }

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
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = new DecideBody(rented, copied, options);
        // Returned to the pool once the response is written, whether or not a handler ran.
        request.HttpContext.Response.RegisterForDispose(body);
        return body;
    }

    /// <summary>The request bound as <see cref="RecommendationBody{T}"/> binds it: null when none was sent, or the parse error in its wording.</summary>
    public async ValueTask<Result<RecommendationBody<DecideRequest>>> ParseAsync(CancellationToken cancellationToken)
    {
        if (_rented is null)
        {
            return _parsed;
        }
        var type = (JsonTypeInfo<DecideRequest>)_options!.GetTypeInfo(typeof(DecideRequest));
        try
        {
            // The stream path, as binding used it, for the same exception messages (paths, positions).
            using var stream = new MemoryStream(_rented, 0, _length, writable: false);
            return new RecommendationBody<DecideRequest>(await JsonSerializer.DeserializeAsync(stream, type, cancellationToken));
        }
        catch (JsonException e)
        {
            return new Error(ErrorCode.InvalidRequest, BadRequests.NotJson(e, type));
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
            _length = 0;
        }
    }
}
