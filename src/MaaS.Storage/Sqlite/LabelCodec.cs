using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite has no array type: genres and tags are stored as JSON arrays of strings (and a list of tenants is bound as one, for <c>json_each</c>).</summary>
internal static partial class LabelCodec
{
    public static string Encode(IReadOnlyList<string> labels) =>
        JsonSerializer.Serialize(labels as string[] ?? [.. labels], LabelJsonContext.Default.StringArray);

    public static string[] Decode(string json) => JsonSerializer.Deserialize(json, LabelJsonContext.Default.StringArray) ?? [];

    [JsonSerializable(typeof(string[]))]
    private sealed partial class LabelJsonContext : JsonSerializerContext;
}
