using System.Buffers;

namespace MaaS.Http.Answers;

/// <summary>
/// A per-thread buffer and JSON writer for <see cref="V2Json{T}"/>: an answer is serialised whole before it is written,
/// so its length is known, without a new array and writer per request. Nothing awaits between <see cref="Rent"/> and
/// <see cref="Return"/>, so a thread's one buffer is never shared; a buffer grown past <see cref="KeepBytes"/> by a
/// large answer is dropped rather than kept for the thread's lifetime.
/// </summary>
internal sealed class V2JsonBuffer
{
    private const int KeepBytes = 64 * 1024;

    [ThreadStatic]
    private static V2JsonBuffer? _cached;

    private V2JsonBuffer(JsonSerializerOptions options)
    {
        Options = options;
        Writer = new Utf8JsonWriter(Bytes, WriterOptions(options));
    }

    public ArrayBufferWriter<byte> Bytes { get; } = new(1024);

    public Utf8JsonWriter Writer { get; }

    private JsonSerializerOptions Options { get; }

    /// <summary>The thread's buffer, empty, with a writer set up as the serializer would for <paramref name="options"/>.</summary>
    public static V2JsonBuffer Rent(JsonSerializerOptions options)
    {
        var buffer = _cached;
        _cached = null;
        if (buffer is null || !ReferenceEquals(buffer.Options, options))
        {
            return new V2JsonBuffer(options);
        }

        return buffer;
    }

    /// <summary>Clears the buffer and keeps it for the thread's next answer unless it grew large.</summary>
    public static void Return(V2JsonBuffer buffer)
    {
        if (buffer.Bytes.Capacity > KeepBytes)
        {
            return;
        }

        buffer.Bytes.ResetWrittenCount();
        buffer.Writer.Reset(buffer.Bytes);
        _cached = buffer;
    }

    // What JsonSerializer uses when it makes its own writer (JsonSerializerOptions.GetWriterOptions).
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
        SkipValidation = true,
    };
}
