using System.Buffers;
using System.Text.Encodings.Web;

namespace MaaS.Http.Answers;

/// <summary>
/// Writes a JSON answer whole, with its Content-Length: serialised synchronously into a per-thread buffer, then copied
/// to the response once. Most answers (a /v2 tensor, a decision, a page of recommendations) are a few hundred bytes, for
/// which WriteAsJsonAsync's asynchronous serialiser and the chunked framing it implies cost more CPU than the answer
/// itself (issues #18 and #20: CPU per request against /v1/ping's). A thread keeps one buffer per set of writer options
/// (what the serializer options say of the output: the encoder, indentation, depth), not per serializer options: each
/// source-generated context has options of its own (the /v1 recommendation and agent answers, the /v2 ones), and a
/// thread that serves three of them in turn would find none of two slots its own, while the /v1 contexts write alike and
/// share one. Nothing awaits between renting and returning a buffer, so it is never shared, and one grown past
/// <see cref="KeepBytes"/> by a large answer is dropped rather than kept for the thread's lifetime.
/// </summary>
internal sealed class JsonAnswerBuffer
{
    private const int KeepBytes = 64 * 1024;

    [ThreadStatic]
    private static JsonAnswerBuffer? _first;

    [ThreadStatic]
    private static JsonAnswerBuffer? _second;

    private JsonAnswerBuffer(JsonWriterOptions options)
    {
        Options = options;
        Writer = new Utf8JsonWriter(Bytes, options);
    }

    private ArrayBufferWriter<byte> Bytes { get; } = new(1024);

    private Utf8JsonWriter Writer { get; }

    private JsonWriterOptions Options { get; }

    /// <summary>Sets the status and content type, writes <paramref name="value"/> whole with its Content-Length, and flushes.</summary>
    public static Task WriteAsync<T>(HttpContext httpContext, int statusCode, string contentType, T value, JsonTypeInfo<T> type)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        var buffer = Rent(WriterOptions(type.Options));
        try
        {
            JsonSerializer.Serialize(buffer.Writer, value, type);
            buffer.Writer.Flush();
            int length = buffer.Bytes.WrittenCount;
            response.ContentLength = length;
            buffer.Bytes.WrittenSpan.CopyTo(response.BodyWriter.GetSpan(length));
            response.BodyWriter.Advance(length);
        }
        finally
        {
            Return(buffer);
        }

        return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
    }

    // The thread's buffer for these options, empty (taken out of its slot until returned), or a new one.
    private static JsonAnswerBuffer Rent(JsonWriterOptions options)
    {
        if (_first is { } first && Same(first.Options, options))
        {
            _first = null;
            return first;
        }

        if (_second is { } second && Same(second.Options, options))
        {
            _second = null;
            return second;
        }

        return new JsonAnswerBuffer(options);
    }

    // Clears the buffer and keeps it for the thread's next answer with the same options unless it grew large; a third
    // set of options takes the second slot.
    private static void Return(JsonAnswerBuffer buffer)
    {
        if (buffer.Bytes.Capacity > KeepBytes)
        {
            return;
        }

        buffer.Bytes.ResetWrittenCount();
        buffer.Writer.Reset(buffer.Bytes);
        if (_first is null || Same(_first.Options, buffer.Options))
        {
            _first = buffer;
        }
        else
        {
            _second = buffer;
        }
    }

    // What JsonSerializer uses when it makes its own writer (JsonSerializerOptions.GetWriterOptions), except the encoder:
    // the writer escapes the strings, and every answer written here is application/json, never embedded in a page, so
    // '<', '>', '&' and '\'' stay as written (the contexts' default encoder would write \u003C and so on; OpenAI's and
    // Triton's answers carry them raw too). Quotes, backslashes and control characters are escaped all the same.
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        SkipValidation = true,
    };

    // JsonWriterOptions has no equality of its own (ValueType.Equals would compare by reflection).
    private static bool Same(JsonWriterOptions a, JsonWriterOptions b) =>
        ReferenceEquals(a.Encoder, b.Encoder) && a.Indented == b.Indented && a.IndentCharacter == b.IndentCharacter
        && a.IndentSize == b.IndentSize && a.NewLine == b.NewLine && a.MaxDepth == b.MaxDepth && a.SkipValidation == b.SkipValidation;
}
