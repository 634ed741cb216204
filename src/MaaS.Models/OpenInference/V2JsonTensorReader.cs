using System.Buffers;

namespace MaaS.Models.OpenInference;

/// <summary>
/// Reads a JSON <c>data</c> array (flat or nested, row-major) with the <see cref="Utf8JsonReader"/> straight into a
/// typed buffer of the shape's element count: no DOM, one pass. Elements are checked as the protocol's datatype says
/// (numbers in range for numeric types, true/false for BOOL, strings for BYTES); nesting is bounded.
/// </summary>
internal static class V2JsonTensorReader
{
    /// <summary>Deepest nesting of arrays inside <c>data</c>.</summary>
    public const int MaxDepth = 32;

    /// <summary>Reads the array the reader stands on (its StartArray) to its end; the reader is left on its EndArray.</summary>
    /// <param name="reader">A reader on the StartArray of <c>data</c>, over complete JSON.</param>
    /// <param name="name">The input's name, for messages.</param>
    /// <param name="type">The input's datatype.</param>
    /// <param name="expected">Elements the shape declares (at most <see cref="V2TensorCodec.MaxElements"/>).</param>
    public static V2DecodedElements Read(ref Utf8JsonReader reader, string name, TensorDataType type, int expected)
    {
        var data = type.NewArray(expected);
        long found = 0;
        int open = 1;
        while (open > 0 && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    open--;
                    continue;
                case JsonTokenType.StartArray when open - 1 >= MaxDepth:
                    SkipRest(ref reader, open + 1);
                    return new V2DecodedElements(name, type, expected, data, found, $"input '{name}' nests data deeper than {MaxDepth} levels");
                case JsonTokenType.StartArray:
                    open++;
                    continue;
            }

            if (found >= expected)
            {
                // Keep counting (without storing or checking) so the message can say how many there were.
                found++;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                continue;
            }

            if (!TrySet(ref reader, type, data, (int)found))
            {
                string message = $"input '{name}' element {found} ({Describe(ref reader)}) is not a valid {type.ToProtocolName()} value";
                SkipRest(ref reader, open);
                return new V2DecodedElements(name, type, expected, data, found, message);
            }

            found++;
        }

        return new V2DecodedElements(name, type, expected, data, found, null);
    }

    /// <summary>Reads <c>data</c> kept as an element because it came before the input's datatype or shape.</summary>
    public static V2DecodedElements Read(JsonElement element, string name, TensorDataType type, int expected)
    {
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(element), new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        return Read(ref reader, name, type, expected);
    }

    private static bool TrySet(ref Utf8JsonReader reader, TensorDataType type, Array data, int index)
    {
        var token = reader.TokenType;
        switch (type)
        {
            case TensorDataType.Fp32 when token == JsonTokenType.Number && reader.TryGetSingle(out float f):
                ((float[])data)[index] = f;
                return true;
            case TensorDataType.Fp64 when token == JsonTokenType.Number && reader.TryGetDouble(out double d):
                ((double[])data)[index] = d;
                return true;
            case TensorDataType.Fp16 when token == JsonTokenType.Number && reader.TryGetSingle(out float h):
                ((Half[])data)[index] = (Half)h;
                return true;
            case TensorDataType.Int64 when token == JsonTokenType.Number && reader.TryGetInt64(out long l):
                ((long[])data)[index] = l;
                return true;
            case TensorDataType.Int32 when token == JsonTokenType.Number && reader.TryGetInt32(out int i):
                ((int[])data)[index] = i;
                return true;
            case TensorDataType.Int8 when token == JsonTokenType.Number && reader.TryGetSByte(out sbyte s):
                ((sbyte[])data)[index] = s;
                return true;
            case TensorDataType.Uint8 when token == JsonTokenType.Number && reader.TryGetByte(out byte b):
                ((byte[])data)[index] = b;
                return true;
            case TensorDataType.Bool when token is JsonTokenType.True or JsonTokenType.False:
                ((bool[])data)[index] = token == JsonTokenType.True;
                return true;
            case TensorDataType.Bytes when token == JsonTokenType.String:
                ((string[])data)[index] = reader.GetString()!;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The element's JSON text as sent, clipped; an object is read to its end.</summary>
    private static string Describe(ref Utf8JsonReader reader)
    {
        string raw = reader.TokenType switch
        {
            JsonTokenType.StartObject => JsonElement.ParseValue(ref reader).GetRawText(),
            JsonTokenType.String => $"\"{Raw(ref reader)}\"",
            _ => Raw(ref reader),
        };
        return raw.Length <= 32 ? raw : raw[..32] + "...";
    }

    private static string Raw(ref Utf8JsonReader reader) =>
        Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);

    /// <summary>Reads to the end of the <paramref name="open"/> arrays the reader is inside.</summary>
    private static void SkipRest(ref Utf8JsonReader reader, int open)
    {
        while (open > 0 && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    open++;
                    break;
                case JsonTokenType.EndArray:
                    open--;
                    break;
                case JsonTokenType.StartObject:
                    reader.Skip();
                    break;
            }
        }
    }
}
