using MaaS.Models.Tracing;

namespace MaaS.Grpc;

/// <summary>Triton's <c>TraceSetting</c> messages to and from <see cref="InferenceTracing"/>, the settings <c>/v2/trace/setting</c> changes too.</summary>
internal static class GrpcTraceSettings
{
    /// <summary>The request's settings: a value without strings clears the setting.</summary>
    public static IEnumerable<KeyValuePair<string, TraceSettingValue>> Changes(TraceSettingRequest request) =>
        request.Settings.Select(setting => KeyValuePair.Create(setting.Key, setting.Value is null || setting.Value.Value.Count == 0
            ? TraceSettingValue.Clear
            : TraceSettingValue.Of([.. setting.Value.Value])));

    public static TraceSettingResponse Answer(TraceSettings settings)
    {
        var written = settings.ToAnswer();
        var answer = new TraceSettingResponse();
        answer.Settings.Add(TraceSettings.FileName, Value(written.TraceFile));
        answer.Settings.Add(TraceSettings.LevelName, Value([.. written.TraceLevel]));
        answer.Settings.Add(TraceSettings.RateName, Value(written.TraceRate));
        answer.Settings.Add(TraceSettings.CountName, Value(written.TraceCount));
        answer.Settings.Add(TraceSettings.LogFrequencyName, Value(written.LogFrequency));
        answer.Settings.Add(TraceSettings.ModeName, Value(written.TraceMode));
        return answer;
    }

    private static TraceSettingResponse.Types.SettingValue Value(params string[] values)
    {
        var value = new TraceSettingResponse.Types.SettingValue();
        value.Value.Add(values);
        return value;
    }
}
