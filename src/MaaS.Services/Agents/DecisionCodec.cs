using System.Buffers;

namespace MaaS.Services.Agents;

/// <summary>
/// Writes and reads a logged decision's context and candidates in the log's JSON straight from and into schema-ordered
/// vectors. The context is <c>{"name": value, ...}</c>; the candidates are
/// <c>[{"id": "a", "features": {"name": value, ...}, "eligible": false, "baseline": true}, ...]</c>, features by name so
/// a redefined agent still reads old decisions (and only when the agent has action features; missing ones read as 0),
/// eligible only on an ineligible action (missing reads as eligible), baseline only on an apprentice decision's
/// baseline action: decide and learn were spending most of their time building and parsing the
/// by-name dictionaries in between. Immutable after construction; thread-safe.
/// </summary>
internal sealed class DecisionCodec
{
    /// <summary>The largest per-thread buffer kept between decisions (bytes).</summary>
    private const int KeptBuffer = 1 << 16;
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Features = JsonEncodedText.Encode("features");
    private static readonly JsonEncodedText EligibleName = JsonEncodedText.Encode("eligible");
    private static readonly JsonEncodedText BaselineName = JsonEncodedText.Encode("baseline");

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly JsonEncodedText[] _contextNames;
    private readonly JsonEncodedText[] _actionNames;
    private readonly FeatureSchema _schema;

    public DecisionCodec(FeatureSchema schema)
    {
        _schema = schema;
        _contextNames = [.. schema.Context.Select(n => JsonEncodedText.Encode(n))];
        _actionNames = [.. schema.Action.Select(n => JsonEncodedText.Encode(n))];
        ContextIndex = new FeatureIndex(schema.Context);
        ActionIndex = new FeatureIndex(schema.Action);
    }

    /// <summary>The context features' slots by UTF-8 name.</summary>
    public FeatureIndex ContextIndex { get; }

    /// <summary>The action features' slots by UTF-8 name.</summary>
    public FeatureIndex ActionIndex { get; }

    /// <summary>The context as the log's JSON object of features by name.</summary>
    public string WriteContext(double[] context)
    {
        Utf8JsonWriter writer = Writer(out ArrayBufferWriter<byte> buffer);
        WriteFeatures(writer, context, _contextNames);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The candidates as the log's JSON array of stored actions.</summary>
    public string WriteActions(IReadOnlyList<ActionInput> actions, bool[] eligible, int baseline)
    {
        Utf8JsonWriter writer = Writer(out ArrayBufferWriter<byte> buffer);
        writer.WriteStartArray();
        for (int i = 0; i < actions.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString(Id, actions[i].Id);
            // Written only when they say something: no features without an action schema, eligibility only when false.
            // With 10 featureless actions that was 300 of a row's ~1,070 bytes, and every byte is written to the WAL
            // and again at the checkpoint.
            if (_actionNames.Length > 0)
            {
                writer.WritePropertyName(Features);
                WriteFeatures(writer, actions[i].Features, _actionNames);
            }
            if (!eligible[i])
            {
                writer.WriteBoolean(EligibleName, false);
            }
            if (i == baseline)
            {
                writer.WriteBoolean(BaselineName, true);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads a logged decision in this schema (features by name; unknown names ignored, missing or non-finite ones 0).
    /// Null when the JSON is not the log's format or names no candidate.
    /// </summary>
    public (DecisionInput Input, bool[] Eligible, int Baseline)? Read(string context, string actions)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(Math.Max(context.Length, actions.Length)));
        try
        {
            int length = Encoding.UTF8.GetBytes(context, rented);
            var contextReader = new Utf8JsonReader(rented.AsSpan(0, length));
            var contextVector = new double[_schema.Context.Count];
            if (!contextReader.Read() || !ReadFeatures(ref contextReader, ContextIndex, contextVector))
            {
                return null;
            }
            length = Encoding.UTF8.GetBytes(actions, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, length));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }
            var inputs = new List<ActionInput>();
            var eligible = new List<bool>();
            int baseline = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                if (ReadAction(ref reader) is not { } action)
                {
                    return null;
                }
                if (action.Baseline)
                {
                    baseline = inputs.Count;
                }
                inputs.Add(action.Input);
                eligible.Add(action.Eligible);
            }
            return reader.TokenType != JsonTokenType.EndArray || inputs.Count == 0
                ? null
                : (new DecisionInput(contextVector, inputs), [.. eligible], baseline);
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private (ActionInput Input, bool Eligible, bool Baseline)? ReadAction(ref Utf8JsonReader reader)
    {
        string? id = null;
        var features = new double[_schema.Action.Count];
        // Logs before 2026-12-05 always wrote both; since then an action without features or eligible omits them.
        bool eligible = true, baseline = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("features"u8))
            {
                reader.Read();
                if (!ReadFeatures(ref reader, ActionIndex, features))
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("eligible"u8))
            {
                reader.Read();
                eligible = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("baseline"u8))
            {
                reader.Read();
                baseline = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return id is null || reader.TokenType != JsonTokenType.EndObject ? null : (new ActionInput(id, features), eligible, baseline);
    }

    private static bool ReadFeatures(ref Utf8JsonReader reader, FeatureIndex index, double[] vector)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        int next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int found = index.Find(ref reader, next);
            reader.Read();
            if (reader.TokenType != JsonTokenType.Number)
            {
                return false;
            }
            double value = reader.GetDouble();
            if (found >= 0 && double.IsFinite(value))
            {
                vector[found] = value;
                next = found + 1;
            }
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    /// <summary>
    /// This thread's writer over its buffer, both emptied: every decide wrote its two JSON texts through a new writer and
    /// buffer each, a few kilobytes of garbage per decision. The writes are synchronous, so a thread's pair is never
    /// shared; a buffer grown past <see cref="KeptBuffer"/> by an unusually large decision is dropped rather than kept.
    /// </summary>
    private static Utf8JsonWriter Writer(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer is { Capacity: <= KeptBuffer } kept ? kept : t_buffer = new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        if (t_writer is { } writer)
        {
            writer.Reset(buffer);
            return writer;
        }
        return t_writer = new Utf8JsonWriter(buffer, WriterOptions);
    }

    private static void WriteFeatures(Utf8JsonWriter writer, double[] values, JsonEncodedText[] names)
    {
        writer.WriteStartObject();
        for (int i = 0; i < names.Length; i++)
        {
            writer.WriteNumber(names[i], values[i]);
        }
        writer.WriteEndObject();
    }
}
