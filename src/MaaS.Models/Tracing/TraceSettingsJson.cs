namespace MaaS.Models.Tracing;

/// <summary>A trace setting request in Triton's HTTP shape, read into named values for <see cref="InferenceTracing.Update"/>.</summary>
public static class TraceSettingsJson
{
    /// <summary>
    /// The members of a request object, each as a value: a string or an array of strings (Triton's types), null (clear),
    /// or anything else (refused by <see cref="InferenceTracing.Update"/>, which names the setting); a body that is not an
    /// object is an error.
    /// </summary>
    public static Result<IReadOnlyList<KeyValuePair<string, TraceSettingValue>>> Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new Error(ErrorCode.InvalidRequest, $"the request body must be a JSON object of trace settings ({string.Join(", ", TraceSettings.Names)})");
        }

        var values = new List<KeyValuePair<string, TraceSettingValue>>();
        foreach (var member in body.EnumerateObject())
        {
            var value = member.Value.ValueKind switch
            {
                JsonValueKind.Null => TraceSettingValue.Clear,
                JsonValueKind.String => TraceSettingValue.Of(member.Value.GetString()!),
                JsonValueKind.Array when member.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                    TraceSettingValue.Of([.. member.Value.EnumerateArray().Select(e => e.GetString()!)]),
                _ => TraceSettingValue.Other,
            };
            values.Add(KeyValuePair.Create(member.Name, value));
        }

        return values;
    }
}
