namespace MaaS.Models.Tracing;

/// <summary>
/// The trace settings in force for the whole server or for one model (Triton's trace extension): what is traced, how
/// often, how many more, and how the trace file is cut. Immutable; <see cref="InferenceTracing"/> swaps them whole.
/// </summary>
/// <param name="Level">What a trace records; <see cref="TraceLevels.Off"/> traces nothing.</param>
/// <param name="Rate">One request in <paramref name="Rate"/> is traced (the Rate-th, the 2·Rate-th, …), at least 1.</param>
/// <param name="Count">Traces still to take; -1 without limit, 0 none more.</param>
/// <param name="LogFrequency">0: every trace goes into <paramref name="File"/>, an array closed at shutdown; N: each N
/// traces make a file of their own, <c>File.0</c>, <c>File.1</c>, … (Triton's numbering).</param>
/// <param name="File">Where traces are written: configuration (<c>Serving:Trace:File</c>), never a client's choice; empty: none configured.</param>
public sealed record TraceSettings(TraceLevels Level, int Rate, long Count, int LogFrequency, string File)
{
    /// <summary>The setting names, Triton's.</summary>
    public const string FileName = "trace_file", LevelName = "trace_level", RateName = "trace_rate", CountName = "trace_count",
        LogFrequencyName = "log_frequency", ModeName = "trace_mode";

    /// <summary>The one trace mode served: Triton's own trace file format (no OpenTelemetry export).</summary>
    public const string Mode = "triton";

    /// <summary>Every setting name, in Triton's order.</summary>
    public static IReadOnlyList<string> Names { get; } = [FileName, LevelName, RateName, CountName, LogFrequencyName, ModeName];

    /// <summary>The settings as Triton's answer writes them: every value a string, the level a list of names.</summary>
    public V2TraceSettings ToAnswer() => new(
        File,
        TraceLevelNames.Format(Level),
        Rate.ToString(CultureInfo.InvariantCulture),
        Count.ToString(CultureInfo.InvariantCulture),
        LogFrequency.ToString(CultureInfo.InvariantCulture),
        Mode);
}

/// <summary>What a trace records (Triton's <c>trace_level</c>: a list of these).</summary>
[Flags]
public enum TraceLevels
{
    /// <summary>Nothing is traced.</summary>
    Off = 0,

    /// <summary>The timestamps of each step of the request.</summary>
    Timestamps = 1,

    /// <summary>The input and output tensors (their first <c>Serving:Trace:MaxTensorElements</c> values).</summary>
    Tensors = 2,
}

/// <summary>Triton's names of the trace levels.</summary>
public static class TraceLevelNames
{
    /// <summary>The names, as Triton spells them.</summary>
    public const string Off = "OFF", Timestamps = "TIMESTAMPS", Tensors = "TENSORS";

    /// <summary>The level's list of names: <c>["OFF"]</c>, or the levels on in Triton's order.</summary>
    public static IReadOnlyList<string> Format(TraceLevels level) => level switch
    {
        TraceLevels.Off => [Off],
        TraceLevels.Timestamps => [Timestamps],
        TraceLevels.Tensors => [Tensors],
        _ => [Timestamps, Tensors],
    };

    /// <summary>Reads a list of names; null when one is not a level or OFF is listed with another.</summary>
    public static TraceLevels? Parse(IReadOnlyList<string> names)
    {
        var level = TraceLevels.Off;
        bool off = false;
        foreach (string name in names)
        {
            switch (name)
            {
                case Off:
                    off = true;
                    break;
                case Timestamps:
                    level |= TraceLevels.Timestamps;
                    break;
                case Tensors:
                    level |= TraceLevels.Tensors;
                    break;
                default:
                    return null;
            }
        }

        return names.Count == 0 || (off && level != TraceLevels.Off) ? null : level;
    }
}

/// <summary>The trace settings in Triton's HTTP shape (every value a string; <c>trace_level</c> a list).</summary>
/// <param name="TraceFile">The configured trace file.</param>
/// <param name="TraceLevel">The levels.</param>
/// <param name="TraceRate">One request in this many is traced.</param>
/// <param name="TraceCount">Traces still to take; "-1" without limit.</param>
/// <param name="LogFrequency">Traces per numbered file; "0" one file.</param>
/// <param name="TraceMode">"triton".</param>
public sealed record V2TraceSettings(
    [property: JsonPropertyName(TraceSettings.FileName)] string TraceFile,
    [property: JsonPropertyName(TraceSettings.LevelName)] IReadOnlyList<string> TraceLevel,
    [property: JsonPropertyName(TraceSettings.RateName)] string TraceRate,
    [property: JsonPropertyName(TraceSettings.CountName)] string TraceCount,
    [property: JsonPropertyName(TraceSettings.LogFrequencyName)] string LogFrequency,
    [property: JsonPropertyName(TraceSettings.ModeName)] string TraceMode);

/// <summary>A requested value of one trace setting, whatever the protocol that carried it.</summary>
/// <param name="Kind">What the request gave.</param>
/// <param name="Values">The strings of a <see cref="TraceSettingKind.Strings"/> value (one for a scalar setting).</param>
public readonly record struct TraceSettingValue(TraceSettingKind Kind, IReadOnlyList<string> Values)
{
    /// <summary>JSON null, or gRPC's <c>SettingValue</c> without values: the model's setting goes back to the global one,
    /// a global setting back to the configured one.</summary>
    public static TraceSettingValue Clear { get; } = new(TraceSettingKind.Clear, []);

    /// <summary>Any other JSON type (a number, a boolean, an object, an array with a non-string).</summary>
    public static TraceSettingValue Other { get; } = new(TraceSettingKind.Other, []);

    public static TraceSettingValue Of(params IReadOnlyList<string> values) => new(TraceSettingKind.Strings, values);
}

/// <summary>The kind of a <see cref="TraceSettingValue"/>.</summary>
public enum TraceSettingKind
{
    Other,
    Clear,
    Strings,
}
