using Serilog.Parsing;

namespace MaaS.Logging.Tests;

/// <summary>
/// How Triton's switches map to Serilog's one level and the filter, event by event, and the console's two formats; the
/// gateway's functional tests (LoggingEndpointsTests) check the same through a real gateway's logger.
/// </summary>
public sealed class RuntimeLogSettingsTests
{
    private static readonly LogEventLevel[] Levels = Enum.GetValues<LogEventLevel>();

    [Theory]
    [InlineData("""{"log_verbose_level":2}""", "VDIWEF")]
    [InlineData("""{"log_verbose_level":1}""", "DIWEF")]
    [InlineData("""{}""", "IWEF")]
    [InlineData("""{"log_info":false}""", "WEF")]
    [InlineData("""{"log_info":false,"log_warning":false}""", "EF")]
    [InlineData("""{"log_info":false,"log_warning":false,"log_error":false}""", "F")]
    [InlineData("""{"log_warning":false}""", "IEF")]
    [InlineData("""{"log_error":false}""", "IWF")]
    [InlineData("""{"log_verbose_level":1,"log_info":false}""", "DWEF")]
    [InlineData("""{"log_verbose_level":7,"log_warning":false,"log_error":false}""", "VDIF")]
    public void Update_Switches_WrittenSeveritiesAreThoseOn(string json, string written)
    {
        var settings = new RuntimeLogSettings(LogEventLevel.Information, jsonConsole: false);

        Assert.True(settings.Update(Read(json)).IsSuccess, json);

        string actual = string.Concat(Levels.Where(l => l >= settings.LevelSwitch.MinimumLevel && settings.IsEnabled(Event(l))).Select(l => l.ToString()[0]));
        Assert.True(written == actual, $"{json}: expected {written}, written {actual}");
    }

    [Fact]
    public void Update_OneBadValue_NothingChangedAndEveryProblemNamed()
    {
        var settings = new RuntimeLogSettings(LogEventLevel.Warning, jsonConsole: false);
        var before = settings.Current;

        var result = settings.Update(Read("""{"log_verbose_level":2,"log_info":"yes","log_format":"json","log_level":1}"""));

        Assert.False(result.IsSuccess);
        Assert.Equal(["log_info", "log_format", "log_level"], result.Error!.Problems.Select(p => p.Field));
        Assert.Equal(before, settings.Current);
        Assert.Equal(LogEventLevel.Warning, settings.LevelSwitch.MinimumLevel);
    }

    [Fact]
    public void ConsoleFormatter_FormatChanged_NextEventInTheNewFormat()
    {
        var settings = new RuntimeLogSettings(LogEventLevel.Information, jsonConsole: false);
        var formatter = settings.ConsoleFormatter(System.Globalization.CultureInfo.InvariantCulture);
        var at = new DateTimeOffset(2026, 12, 6, 20, 3, 26, 123, TimeSpan.Zero);

        string standard = Write(formatter, Event(LogEventLevel.Information, at));
        Assert.True(settings.Update(Read("""{"log_format":"ISO8601"}""")).IsSuccess);
        string iso = Write(formatter, Event(LogEventLevel.Information, at));

        Assert.Equal("[20:03:26 INF] Test: hello", standard.TrimEnd());
        Assert.Equal("2026-12-06T20:03:26.123+00:00 INF Test: hello", iso.TrimEnd());
    }

    [Fact]
    public void JsonConsole_IsIso8601AndRefusesDefault()
    {
        var settings = new RuntimeLogSettings(LogEventLevel.Debug, jsonConsole: true);

        var result = settings.Update(Read("""{"log_format":"default"}"""));

        Assert.Equal(new LogSettings("", true, true, true, 1, "ISO8601"), settings.Current);
        Assert.Contains("compact JSON", result.Error!.Message, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, LogSettingValue>> Read(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return [.. LogSettingsJson.Read(document.RootElement).Value!];
    }

    private static LogEvent Event(LogEventLevel level, DateTimeOffset? at = null) =>
        new(at ?? DateTimeOffset.UtcNow, level, null, new MessageTemplateParser().Parse("hello"), [new LogEventProperty("SourceContext", new ScalarValue("Test"))]);

    private static string Write(Serilog.Formatting.ITextFormatter formatter, LogEvent logEvent)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        formatter.Format(logEvent, writer);
        return writer.ToString();
    }
}
