using System.Text.Json;
using System.Text.Json.Serialization;

namespace MaaS.Logging;

/// <summary>The log settings in Triton's HTTP shape: the answer's JSON, and a request object read into named values.</summary>
public static class LogSettingsJson
{
    /// <summary>The answer's source-generated JSON metadata (Triton's member names).</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<LogSettings> Answer => LogSettingsJsonContext.Default.LogSettings;

    /// <summary>
    /// The members of a request object as values for <see cref="RuntimeLogSettings.Update"/>, each with its JSON type:
    /// true/false, an integer (a number with a fraction or beyond 64 bits is none of the three), a string; a body that is
    /// not an object is an error. The values' meaning is checked by <see cref="RuntimeLogSettings.Update"/>.
    /// </summary>
    public static Result<IReadOnlyList<KeyValuePair<string, LogSettingValue>>> Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new Error(ErrorCode.InvalidRequest, $"the request body must be a JSON object of log settings ({string.Join(", ", LogSettings.Names)})");
        }

        var values = new List<KeyValuePair<string, LogSettingValue>>();
        foreach (var member in body.EnumerateObject())
        {
            var value = member.Value.ValueKind switch
            {
                JsonValueKind.True => LogSettingValue.Of(true),
                JsonValueKind.False => LogSettingValue.Of(false),
                JsonValueKind.Number when member.Value.TryGetInt64(out long number) => LogSettingValue.Of(number),
                JsonValueKind.String => LogSettingValue.Of(member.Value.GetString()!),
                _ => LogSettingValue.Other,
            };
            values.Add(KeyValuePair.Create(member.Name, value));
        }

        return values;
    }
}

[JsonSerializable(typeof(LogSettings))]
internal sealed partial class LogSettingsJsonContext : JsonSerializerContext;
