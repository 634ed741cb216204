namespace MaaS.Models.Text;

/// <summary>Source-generated JSON for featurizer settings and model cards (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TextFeaturizerSettings))]
[JsonSerializable(typeof(TextModelCard))]
[JsonSerializable(typeof(TextModelConfig))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(int[]))]
internal sealed partial class TextJsonContext : JsonSerializerContext;

/// <summary>Serializer options over <see cref="TextJsonContext"/> that keep characters such as &amp; and ' readable in files.</summary>
internal static class TextJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(TextJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) =>
        System.Text.Json.JsonSerializer.Serialize(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T)));
}
