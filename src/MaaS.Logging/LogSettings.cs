using System.Text.Json.Serialization;

namespace MaaS.Logging;

/// <summary>
/// The log settings of Triton's logging extension, as <c>GET /v2/logging</c> and the <c>LogSettings</c> RPC answer them
/// (member names as Triton publishes them). Immutable; <see cref="RuntimeLogSettings"/> swaps them whole.
/// </summary>
/// <param name="LogFile">Always empty: where the log goes is deployment configuration (Serilog's sinks), not a setting.</param>
/// <param name="LogInfo">Information events are written.</param>
/// <param name="LogWarning">Warning events are written.</param>
/// <param name="LogError">Error events are written (Fatal ones always are).</param>
/// <param name="LogVerboseLevel">0: no verbose events; 1: Debug; 2 or more: Debug and Verbose (Serilog's most detailed level).</param>
/// <param name="LogFormat"><see cref="DefaultFormat"/> or <see cref="Iso8601Format"/>: how the console writes each event's time.</param>
public sealed record LogSettings(
    [property: JsonPropertyName(LogSettings.File)] string LogFile,
    [property: JsonPropertyName(LogSettings.Info)] bool LogInfo,
    [property: JsonPropertyName(LogSettings.Warning)] bool LogWarning,
    [property: JsonPropertyName(LogSettings.Error)] bool LogError,
    [property: JsonPropertyName(LogSettings.VerboseLevel)] uint LogVerboseLevel,
    [property: JsonPropertyName(LogSettings.Format)] string LogFormat)
{
    /// <summary>The setting names, Triton's.</summary>
    public const string File = "log_file", Info = "log_info", Warning = "log_warning", Error = "log_error",
        VerboseLevel = "log_verbose_level", Format = "log_format";

    /// <summary>Triton's two formats: its default (here the console's time of day) and ISO 8601 (date, time and offset).</summary>
    public const string DefaultFormat = "default", Iso8601Format = "ISO8601";

    /// <summary>Every setting name, in Triton's order.</summary>
    public static IReadOnlyList<string> Names { get; } = [File, Info, Warning, Error, VerboseLevel, Format];
}

/// <summary>A requested value of one setting, whatever the protocol that carried it: JSON's types, or gRPC's <c>SettingValue</c>.</summary>
/// <param name="Kind">Which of the three types the value has; <see cref="LogSettingKind.Other"/> for any other (null, array, a fraction).</param>
/// <param name="Flag">The value of a <see cref="LogSettingKind.Bool"/>.</param>
/// <param name="Number">The value of a <see cref="LogSettingKind.Integer"/>.</param>
/// <param name="Text">The value of a <see cref="LogSettingKind.String"/>.</param>
public readonly record struct LogSettingValue(LogSettingKind Kind, bool Flag = false, long Number = 0, string? Text = null)
{
    public static LogSettingValue Of(bool flag) => new(LogSettingKind.Bool, Flag: flag);

    public static LogSettingValue Of(long number) => new(LogSettingKind.Integer, Number: number);

    public static LogSettingValue Of(string text) => new(LogSettingKind.String, Text: text);

    public static LogSettingValue Other { get; } = new(LogSettingKind.Other);
}

/// <summary>The type of a <see cref="LogSettingValue"/>.</summary>
public enum LogSettingKind
{
    Other,
    Bool,
    Integer,
    String,
}
