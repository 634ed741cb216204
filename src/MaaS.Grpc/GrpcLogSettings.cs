using MaaS.Logging;

namespace MaaS.Grpc;

/// <summary>Triton's <c>LogSettings</c> messages to and from <see cref="RuntimeLogSettings"/>, the settings <c>/v2/logging</c> changes too.</summary>
internal static class GrpcLogSettings
{
    /// <summary>The request's settings, each with the type its <c>SettingValue</c> chose (none chosen is no type).</summary>
    public static IEnumerable<KeyValuePair<string, LogSettingValue>> Changes(LogSettingsRequest request) =>
        request.Settings.Select(setting => KeyValuePair.Create(setting.Key, setting.Value?.ParameterChoiceCase switch
        {
            LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.BoolParam => LogSettingValue.Of(setting.Value.BoolParam),
            LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.Uint32Param => LogSettingValue.Of(setting.Value.Uint32Param),
            LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.StringParam => LogSettingValue.Of(setting.Value.StringParam),
            _ => LogSettingValue.Other,
        }));

    public static LogSettingsResponse Answer(LogSettings settings)
    {
        var answer = new LogSettingsResponse();
        answer.Settings.Add(LogSettings.File, new() { StringParam = settings.LogFile });
        answer.Settings.Add(LogSettings.Info, new() { BoolParam = settings.LogInfo });
        answer.Settings.Add(LogSettings.Warning, new() { BoolParam = settings.LogWarning });
        answer.Settings.Add(LogSettings.Error, new() { BoolParam = settings.LogError });
        answer.Settings.Add(LogSettings.VerboseLevel, new() { Uint32Param = settings.LogVerboseLevel });
        answer.Settings.Add(LogSettings.Format, new() { StringParam = settings.LogFormat });
        return answer;
    }
}
