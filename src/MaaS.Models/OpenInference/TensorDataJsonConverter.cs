namespace MaaS.Models.OpenInference;

/// <summary>
/// Writes a tensor's flat data array as a JSON array of its element type. Non-finite floats (FP16, FP32, FP64), which
/// JSON numbers cannot carry, are written as Triton writes them: the bare tokens <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> in the number's place (rapidjson's kWriteNanAndInfFlag, which Triton's JSON writer sets and its
/// clients' parsers accept). Strings would change the element's type; binary outputs carry the exact bits. Write-only.
/// </summary>
internal sealed class TensorDataJsonConverter : JsonConverter<Array>
{
    /// <inheritdoc />
    public override Array Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Tensor data is read by the V2 tensor codec, not deserialised.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Array value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        switch (value)
        {
            case float[] a:
                foreach (float x in a)
                {
                    if (float.IsFinite(x)) { writer.WriteNumberValue(x); } else { WriteNonFinite(writer, x); }
                }

                break;
            case double[] a:
                foreach (double x in a)
                {
                    if (double.IsFinite(x)) { writer.WriteNumberValue(x); } else { WriteNonFinite(writer, x); }
                }

                break;
            case Half[] a:
                foreach (Half x in a)
                {
                    float f = (float)x;
                    if (float.IsFinite(f)) { writer.WriteNumberValue(f); } else { WriteNonFinite(writer, f); }
                }

                break;
            case long[] a:
                foreach (long x in a) { writer.WriteNumberValue(x); }
                break;
            case int[] a:
                foreach (int x in a) { writer.WriteNumberValue(x); }
                break;
            // The exact type: the runtime lets an sbyte[] pass a type test for byte[], which would write INT8 unsigned.
            case byte[] a when a.GetType() == typeof(byte[]):
                foreach (byte x in a) { writer.WriteNumberValue(x); }
                break;
            case sbyte[] a:
                foreach (sbyte x in a) { writer.WriteNumberValue(x); }
                break;
            case bool[] a:
                foreach (bool x in a) { writer.WriteBooleanValue(x); }
                break;
            case string[] a:
                foreach (string x in a) { writer.WriteStringValue(x); }
                break;
            default:
                throw new NotSupportedException($"No JSON encoding for {value.GetType().Name}.");
        }

        writer.WriteEndArray();
    }

    // Unvalidated raw values: the writer still places the separators, and these tokens are what JSON cannot spell.
    private static void WriteNonFinite(Utf8JsonWriter writer, double x) =>
        writer.WriteRawValue(double.IsNaN(x) ? "NaN"u8 : x > 0 ? "Infinity"u8 : "-Infinity"u8, skipInputValidation: true);
}
