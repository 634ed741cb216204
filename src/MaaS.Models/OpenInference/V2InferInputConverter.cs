using System.Text.Json.Serialization.Metadata;

namespace MaaS.Models.OpenInference;

/// <summary>
/// Reads an infer request's input in one pass: once its name, datatype and shape are known (clients write them before
/// <c>data</c>), <c>data</c> is read by <see cref="V2JsonTensorReader"/> straight into the tensor's buffer instead of
/// into a <see cref="JsonElement"/> that the codec walks again. <c>data</c> met earlier is kept as an element and decoded
/// by the codec. Member names match case-insensitively, unknown members are skipped and a null member is noted, as the
/// generated contract does; element problems are kept for the codec, which reports them after the request's other
/// checks, so every answer is the same as before. Read-only: requests are never written.
/// </summary>
internal sealed class V2InferInputConverter : JsonConverter<V2InferInput>
{
    private static readonly string[] Known = ["name", "datatype", "shape", "parameters", "data"];

    /// <inheritdoc />
    public override V2InferInput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an input must be a JSON object");
        }

        var input = new V2InferInput();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Member(ref reader);
            reader.Read();
            switch (member)
            {
                case "name":
                    input.Name = ReadString(ref reader, member)!;
                    break;
                case "datatype":
                    input.Datatype = ReadString(ref reader, member)!;
                    break;
                case "shape":
                    input.Shape = ReadShape(ref reader);
                    break;
                case "parameters":
                    input.Parameters = JsonSerializer.Deserialize(ref reader, Parameters(options));
                    break;
                case "data":
                    input.Data = ReadData(ref reader, input);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return input;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, V2InferInput value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Infer requests are read by the gateway, not written.");

    private static V2TensorData ReadData(ref Utf8JsonReader reader, V2InferInput input)
    {
        if (reader.TokenType == JsonTokenType.StartArray
            && !string.IsNullOrEmpty(input.Name)
            && TensorDataTypes.TryParse(input.Datatype, out var type)
            && input.Shape is { } shape
            && ShapeMath.Product(shape) is var count and >= 0 and <= V2TensorCodec.MaxElements)
        {
            return new V2TensorData
            {
                ValueKind = JsonValueKind.Array,
                Decoded = V2JsonTensorReader.Read(ref reader, input.Name, type, (int)count),
            };
        }

        // Anything else is decided by the codec, which knows what came after: the rare member order, a null, a non-array.
        var element = JsonElement.ParseValue(ref reader);
        return new V2TensorData { ValueKind = element.ValueKind, Element = element };
    }

    private static string? ReadString(ref Utf8JsonReader reader, string member) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"an input's '{member}' must be a string"),
    };

    private static long[]? ReadShape(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("an input's 'shape' must be an array of integers");
        }

        // Shapes have a few dimensions: they are gathered on the stack, and only a longer one needs a list.
        Span<long> small = stackalloc long[8];
        List<long>? more = null;
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long dim))
            {
                throw new JsonException("an input's 'shape' must be an array of integers");
            }

            if (count < small.Length)
            {
                small[count] = dim;
            }
            else
            {
                (more ??= []).Add(dim);
            }

            count++;
        }

        var shape = new long[count];
        small[..Math.Min(count, small.Length)].CopyTo(shape);
        more?.CopyTo(shape, small.Length);
        return shape;
    }

    /// <summary>The contract's name for the member the reader stands on, matched case-insensitively; null when unknown.</summary>
    private static string? Member(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped)
        {
            string text = reader.GetString()!;
            return Known.FirstOrDefault(name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase));
        }

        var span = reader.ValueSpan;
        foreach (string name in Known)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(span, name))
            {
                return name;
            }
        }

        return null;
    }

    private static JsonTypeInfo<Dictionary<string, JsonElement>> Parameters(JsonSerializerOptions options) =>
        (JsonTypeInfo<Dictionary<string, JsonElement>>)options.GetTypeInfo(typeof(Dictionary<string, JsonElement>));
}
