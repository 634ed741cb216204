using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace MaaS.Logging;

/// <summary>
/// The owner of a process's log settings (Triton's logging extension), applied to its Serilog logger at once. Serilog has
/// one minimum level where Triton has three independent switches and a verbose level, so they map to two parts, which
/// the host's logger configuration takes: <see cref="LevelSwitch"/>, the lowest severity any switch enables (verbose
/// level 2 or more: Verbose; 1: Debug; then Information, Warning, Error; none: Fatal), and this filter
/// (<see cref="ILogEventFilter"/>), which drops a severity switched off above that minimum (warnings off while
/// information is on). Sources with a level of their own (<c>Serilog:MinimumLevel:Override</c>) keep it, as in Serilog;
/// a severity dropped by the filter is dropped from them too. Fatal events are always written.
/// </summary>
/// <remarks>Per process: each replica has its own, as each Triton server has. Thread-safe: updates are serialised and
/// swap the settings whole; readers (every log event) read two fields.</remarks>
public sealed class RuntimeLogSettings : ILogEventFilter
{
    /// <summary>The console's line in Triton's <c>default</c> format: the time of day, as the gateway has always written it.</summary>
    public const string DefaultTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The console's line in Triton's <c>ISO8601</c> format: date, time and UTC offset.</summary>
    public const string Iso8601Template = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private readonly Lock _updates = new();
    private readonly bool _jsonConsole;
    private LogSettings _current;
    private int _dropped;

    /// <summary>Settings that say what the configuration does.</summary>
    /// <param name="configured">The configured minimum level (<c>Serilog:MinimumLevel:Default</c>).</param>
    /// <param name="jsonConsole">The console writes compact JSON, whose timestamps are ISO 8601 whatever the format says,
    /// so its format is <see cref="LogSettings.Iso8601Format"/> and cannot be changed.</param>
    public RuntimeLogSettings(LogEventLevel configured, bool jsonConsole)
    {
        _jsonConsole = jsonConsole;
        LevelSwitch = new LoggingLevelSwitch(configured);
        _current = new LogSettings(
            string.Empty,
            configured <= LogEventLevel.Information,
            configured <= LogEventLevel.Warning,
            configured <= LogEventLevel.Error,
            configured switch { LogEventLevel.Verbose => 2u, LogEventLevel.Debug => 1u, _ => 0u },
            jsonConsole ? LogSettings.Iso8601Format : LogSettings.DefaultFormat);
        Apply(_current);
    }

    /// <summary>The logger's minimum level; give it to <c>MinimumLevel.ControlledBy</c>.</summary>
    public LoggingLevelSwitch LevelSwitch { get; }

    /// <summary>The settings now in force.</summary>
    public LogSettings Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public bool IsEnabled(LogEvent logEvent) => (Volatile.Read(ref _dropped) & (1 << (int)logEvent.Level)) == 0;

    /// <summary>
    /// Changes the settings named in <paramref name="changes"/> and returns them all; none is changed when any is refused
    /// (an unknown name, a value of the wrong type, a negative verbose level, a format Triton does not name, a log file).
    /// No changes reads the settings.
    /// </summary>
    public Result<LogSettings> Update(IEnumerable<KeyValuePair<string, LogSettingValue>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_updates)
        {
            var next = Current;
            var problems = new List<FieldProblem>();
            foreach (var (name, value) in changes)
            {
                next = name switch
                {
                    LogSettings.Info => next with { LogInfo = Flag(name, value, next.LogInfo, problems) },
                    LogSettings.Warning => next with { LogWarning = Flag(name, value, next.LogWarning, problems) },
                    LogSettings.Error => next with { LogError = Flag(name, value, next.LogError, problems) },
                    LogSettings.VerboseLevel => next with { LogVerboseLevel = Level(value, next.LogVerboseLevel, problems) },
                    LogSettings.Format => next with { LogFormat = Format(value, next.LogFormat, problems) },
                    LogSettings.File => File(value, next, problems),
                    _ => Refuse(next, problems, name, $"unknown setting; the settings are {string.Join(", ", LogSettings.Names)}"),
                };
            }

            if (problems.Count > 0)
            {
                return new Error(ErrorCode.InvalidRequest, string.Join("; ", problems.Select(p => $"{p.Field}: {p.Reason}")), problems);
            }

            Apply(next);
            return next;
        }
    }

    /// <summary>The console's text formatter: each event in the format the settings name when it is written.</summary>
    public ITextFormatter ConsoleFormatter(IFormatProvider? formatProvider) =>
        new SwitchingFormatter(this, new MessageTemplateTextFormatter(DefaultTemplate, formatProvider), new MessageTemplateTextFormatter(Iso8601Template, formatProvider));

    private void Apply(LogSettings settings)
    {
        var minimum = settings.LogVerboseLevel >= 2 ? LogEventLevel.Verbose
            : settings.LogVerboseLevel == 1 ? LogEventLevel.Debug
            : settings.LogInfo ? LogEventLevel.Information
            : settings.LogWarning ? LogEventLevel.Warning
            : settings.LogError ? LogEventLevel.Error
            : LogEventLevel.Fatal;
        int dropped = Off(LogEventLevel.Information, settings.LogInfo) | Off(LogEventLevel.Warning, settings.LogWarning) | Off(LogEventLevel.Error, settings.LogError);
        Volatile.Write(ref _dropped, dropped);
        LevelSwitch.MinimumLevel = minimum;
        Volatile.Write(ref _current, settings);

        // Below the minimum the level already drops it, and a source's own level may let it through: only a severity
        // between enabled ones needs the filter.
        int Off(LogEventLevel level, bool on) => !on && level > minimum ? 1 << (int)level : 0;
    }

    private static bool Flag(string name, LogSettingValue value, bool current, List<FieldProblem> problems) =>
        value.Kind == LogSettingKind.Bool ? value.Flag : Refuse(current, problems, name, "must be true or false");

    private static uint Level(LogSettingValue value, uint current, List<FieldProblem> problems) =>
        value.Kind == LogSettingKind.Integer && value.Number is >= 0 and <= uint.MaxValue
            ? (uint)value.Number
            : Refuse(current, problems, LogSettings.VerboseLevel, "must be an integer >= 0 (0: off, 1: Debug, 2 or more: Verbose)");

    private string Format(LogSettingValue value, string current, List<FieldProblem> problems) => value.Text switch
    {
        _ when value.Kind != LogSettingKind.String => Refuse(current, problems, LogSettings.Format, FormatRule),
        LogSettings.Iso8601Format => value.Text,
        LogSettings.DefaultFormat when !_jsonConsole => value.Text,
        LogSettings.DefaultFormat => Refuse(current, problems, LogSettings.Format,
            "the console writes compact JSON (Logging:JsonConsole), whose timestamps are ISO 8601: \"default\" is not available"),
        _ => Refuse(current, problems, LogSettings.Format, FormatRule),
    };

    // Sending back the empty log_file a read answered is no change; anything else would move the log's destination.
    private static LogSettings File(LogSettingValue value, LogSettings current, List<FieldProblem> problems) =>
        value is { Kind: LogSettingKind.String, Text: "" }
            ? current
            : Refuse(current, problems, LogSettings.File,
                "the log's destinations are deployment configuration (Serilog's sinks: the console, Serilog:WriteTo) and cannot be changed at run time; send \"\" or leave it out");

    private const string FormatRule = "must be \"default\" or \"ISO8601\"";

    private static T Refuse<T>(T current, List<FieldProblem> problems, string field, string reason)
    {
        problems.Add(new FieldProblem(-1, field, reason));
        return current;
    }

    private sealed class SwitchingFormatter(RuntimeLogSettings settings, ITextFormatter standard, ITextFormatter iso8601) : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output) =>
            (settings.Current.LogFormat == LogSettings.Iso8601Format ? iso8601 : standard).Format(logEvent, output);
    }
}
