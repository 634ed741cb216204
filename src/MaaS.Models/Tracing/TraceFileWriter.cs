using Microsoft.Extensions.Hosting;

namespace MaaS.Models.Tracing;

/// <summary>
/// Writes finished traces in Triton's trace file format, off the request path: a JSON array whose elements are, per
/// trace, <c>{id, model_name, model_version[, parent_id]}</c>, then <c>{id, timestamps: [{name, ns}, …]}</c>, then at
/// <c>TENSORS</c> one <c>{id, activity, tensor: {name, data, shape, dtype}}</c> per tensor; an ensemble's steps follow
/// their call. Timestamps are nanoseconds since the Unix epoch (Triton's are of a steady clock), so they compare with
/// the wall clock. A trace sampled with log frequency 0 goes into the configured file, whose array is closed at
/// shutdown; with N, every N traces fill a file of their own, <c>file.0</c>, <c>file.1</c>, …, each a whole array.
/// </summary>
/// <remarks>One reader of <see cref="InferenceTracing"/>'s bounded queue; a failed write drops that trace (counted, logged once per file).</remarks>
public sealed partial class TraceFileWriter(InferenceTracing tracing, ILogger<TraceFileWriter> logger) : BackgroundService
{
    private Sink? _whole;
    private Sink? _chunk;
    private int _chunkIndex;
    private int _inChunk;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = tracing.Finished;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                Drain(reader);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: what is queued is written below.
        }

        Drain(reader);
        Close(ref _whole);
        Close(ref _chunk);
    }

    private void Drain(System.Threading.Channels.ChannelReader<InferenceTrace> reader)
    {
        while (reader.TryRead(out var trace))
        {
            Write(trace);
        }

        // Whatever is written can be read while the writer waits for more.
        _whole?.Flush();
        _chunk?.Flush();
    }

    private void Write(InferenceTrace trace)
    {
        string file = tracing.Global.File;
        if (file.Length == 0)
        {
            tracing.Dropped("write_failed");
            return;
        }

        try
        {
            if (trace.LogFrequency == 0)
            {
                _whole ??= Sink.Open(file);
                WriteTrace(_whole.Json, trace);
                return;
            }

            _chunk ??= Sink.Open(file + "." + _chunkIndex.ToString(CultureInfo.InvariantCulture));
            WriteTrace(_chunk.Json, trace);
            if (++_inChunk >= trace.LogFrequency)
            {
                Close(ref _chunk);
                _chunkIndex++;
                _inChunk = 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            tracing.Dropped("write_failed");
            LogWriteFailed(logger, e);
            Close(ref _whole);
            Close(ref _chunk);
        }
    }

    private void WriteTrace(Utf8JsonWriter json, InferenceTrace trace)
    {
        json.WriteStartObject();
        json.WriteNumber("id", trace.Id);
        json.WriteString("model_name", trace.ModelName);
        json.WriteNumber("model_version", trace.ModelVersion);
        if (trace.ParentId != 0)
        {
            json.WriteNumber("parent_id", trace.ParentId);
        }

        json.WriteEndObject();
        if ((trace.Level & TraceLevels.Timestamps) != 0)
        {
            json.WriteStartObject();
            json.WriteNumber("id", trace.Id);
            json.WriteStartArray("timestamps");
            foreach (var (name, timestamp) in trace.Stamps)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteNumber("ns", tracing.UnixNanoseconds(timestamp));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        foreach (var tensor in trace.Tensors)
        {
            json.WriteStartObject();
            json.WriteNumber("id", trace.Id);
            json.WriteString("activity", tensor.Activity);
            json.WriteStartObject("tensor");
            json.WriteString("name", tensor.Name);
            json.WriteString("data", tensor.Data);
            json.WriteString("shape", tensor.Shape);
            json.WriteString("dtype", tensor.DataType);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        foreach (var child in trace.Children)
        {
            WriteTrace(json, child);
        }
    }

    private void Close(ref Sink? sink)
    {
        try
        {
            sink?.Dispose();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // A write that failed mid-trace leaves the array unbalanced: the file is given up as it is.
            LogWriteFailed(logger, e);
        }

        sink = null;
    }

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Writing the trace file failed; the trace is dropped")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    /// <summary>One open trace file: its array is opened with it and closed when it is disposed.</summary>
    private sealed class Sink : IDisposable
    {
        private readonly FileStream _stream;

        private Sink(FileStream stream)
        {
            _stream = stream;
            Json = new Utf8JsonWriter(stream);
            Json.WriteStartArray();
        }

        public Utf8JsonWriter Json { get; }

        public static Sink Open(string path) => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));

        public void Flush()
        {
            Json.Flush();
            _stream.Flush();
        }

        public void Dispose()
        {
            Json.WriteEndArray();
            Json.Flush();
            Json.Dispose();
            _stream.Dispose();
        }
    }
}
