using MaaS.TestSupport.Logging;
using Serilog.Core;
using Serilog.Events;

namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Triton's logging extension over HTTP (<c>/v2/logging</c>) on a real gateway: the settings a fresh gateway answers
/// say what its configuration does, a change reaches its logger at once (events recorded by a sink in the gateway's own
/// Serilog pipeline), a bad value changes nothing, and only an admin of the operator tenant may read or change them.
/// </summary>
public sealed class LoggingEndpointsTests
{
    private const string Logging = "/v2/logging";
    private const string Bootstrap = SecureGateway.BootstrapKey;

    [Theory]
    [InlineData("Warning", false, 0u)]
    [InlineData("Information", true, 0u)]
    [InlineData("Debug", true, 1u)]
    [InlineData("Verbose", true, 2u)]
    public async Task Get_FreshGateway_SettingsOfTheConfiguredLevel(string level, bool info, uint verbose)
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = level });

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, Logging, Bootstrap);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{level}: {(int)response.StatusCode} {body}");
        var expected = new JsonObject
        {
            ["log_file"] = "",
            ["log_info"] = info,
            ["log_warning"] = true,
            ["log_error"] = true,
            ["log_verbose_level"] = verbose,
            ["log_format"] = "default",
        };
        Assert.True(JsonNode.DeepEquals(expected, body), $"{level}: {body}");
    }

    [Fact]
    public async Task Post_VerboseLevel1_DebugRequestLogAppearsAtOnce()
    {
        var sink = new RecordingSink();
        await using var gateway = SecureGateway.Start(
            settings: new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILogEventSink>(sink));

        // The per-request log is written at Debug: dropped at Information.
        using (await gateway.SendAsync(HttpMethod.Get, "/v2/health/live", key: null))
        {
        }

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, """{"log_verbose_level":1}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Equal(1u, body!["log_verbose_level"]!.GetValue<uint>());
        Assert.Equal(6, body.AsObject().Count);
        Assert.True(body["log_info"]!.GetValue<bool>(), body.ToJsonString());

        using (await gateway.SendAsync(HttpMethod.Get, "/v2/health/ready", key: null))
        {
        }

        Assert.True(await sink.WaitForAsync("\"/v2/health/ready\" responded", TimeSpan.FromSeconds(10)), Recorded(sink));
        Assert.Contains(sink.Events, e => e.Level == LogEventLevel.Debug && e.Message.Contains("/v2/health/ready", StringComparison.Ordinal));
        Assert.False(sink.Contains("\"/v2/health/live\" responded"), "the request before the change was logged: " + Recorded(sink));
    }

    [Fact]
    public async Task Post_SeveritySwitches_DropThatSeverityOnlyAndAtOnce()
    {
        var sink = new RecordingSink();
        await using var gateway = SecureGateway.Start(
            settings: new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILogEventSink>(sink));
        var log = gateway.Host.Services.GetRequiredService<Serilog.ILogger>().ForContext(Constants.SourceContextPropertyName, "MaaS.Tests.Logging");

        log.Information("info {Step}", "before");
        log.Warning("warning {Step}", "before");
        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, """{"log_info":false}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.False(body!["log_info"]!.GetValue<bool>());
        log.Information("info {Step}", "info-off");
        log.Warning("warning {Step}", "info-off");

        // Warnings off between enabled severities: the filter's part (the level alone cannot drop them).
        (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, """{"log_info":true,"log_warning":false}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        log.Information("info {Step}", "warning-off");
        log.Warning("warning {Step}", "warning-off");
        log.Error("error {Step}", "warning-off");

        string[] expected = ["info \"before\"", "warning \"before\"", "warning \"info-off\"", "info \"warning-off\"", "error \"warning-off\""];
        string[] written = [.. sink.Events.Select(e => e.Message).Where(m => m.Contains("\"before\"", StringComparison.Ordinal) || m.Contains("-off\"", StringComparison.Ordinal))];
        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData("""{"log_info":"yes"}""", "log_info")]
    [InlineData("""{"log_warning":1}""", "log_warning")]
    [InlineData("""{"log_error":null}""", "log_error")]
    [InlineData("""{"log_verbose_level":-1}""", "log_verbose_level")]
    [InlineData("""{"log_verbose_level":1.5}""", "log_verbose_level")]
    [InlineData("""{"log_verbose_level":"2"}""", "log_verbose_level")]
    [InlineData("""{"log_format":"json"}""", "log_format")]
    [InlineData("""{"log_format":"iso8601"}""", "log_format")]
    [InlineData("""{"log_file":"/tmp/triton.log"}""", "log_file")]
    [InlineData("""{"log_colour":true}""", "log_colour")]
    [InlineData("""{"log_verbose_level":2,"log_info":"no"}""", "log_info")]
    [InlineData("""[{"log_verbose_level":2}]""", "JSON object")]
    [InlineData("""{"log_verbose_level":2""", "JSON")]
    public async Task Post_BadValue_400NamingItAndNothingChanged(string json, string named)
    {
        await using var gateway = SecureGateway.Start();
        var (_, before) = await gateway.SendJsonAsync(HttpMethod.Get, Logging, Bootstrap);

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json}: {(int)response.StatusCode} {body}");
        Assert.Contains(named, body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, after) = await gateway.SendJsonAsync(HttpMethod.Get, Logging, Bootstrap);
        Assert.True(JsonNode.DeepEquals(before, after), $"{json} changed the settings: {before} -> {after}");
    }

    [Fact]
    public async Task Post_Iso8601AndBack_AnsweredAndKept()
    {
        await using var gateway = SecureGateway.Start();

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, """{"log_format":"ISO8601","log_file":""}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Equal("ISO8601", body!["log_format"]!.GetValue<string>());
        var (_, read) = await gateway.SendJsonAsync(HttpMethod.Get, Logging, Bootstrap);
        Assert.Equal("ISO8601", read!["log_format"]!.GetValue<string>());
        (_, body) = await gateway.SendJsonAsync(HttpMethod.Post, Logging, Bootstrap, """{"log_format":"default"}""");
        Assert.Equal("default", body!["log_format"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logging_CallerNotAnOperatorAdmin_401Or403AndNothingChanged()
    {
        await using var gateway = SecureGateway.Start();
        string operatorApp = await gateway.CreateKeyAsync("default", ["app"]);
        string tenantAdmin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string operatorAdmin = await gateway.CreateKeyAsync("default", ["admin"]);
        const string change = """{"log_verbose_level":2}""";

        foreach (var (key, status) in new[] { ((string?)null, HttpStatusCode.Unauthorized), (operatorApp, HttpStatusCode.Forbidden), (tenantAdmin, HttpStatusCode.Forbidden) })
        {
            foreach (var (method, json) in new[] { (HttpMethod.Get, (string?)null), (HttpMethod.Post, change) })
            {
                var (response, body) = await gateway.SendJsonAsync(method, Logging, key, json);
                Assert.True(response.StatusCode == status, $"{method} with {(key is null ? "no key" : key == operatorApp ? "the operator's app key" : "another tenant's admin key")}: {(int)response.StatusCode} {body}");
                Assert.False(string.IsNullOrEmpty(body?["error"]?.GetValue<string>()), $"no {{\"error\"}}: {body}");
            }
        }

        var (read, settings) = await gateway.SendJsonAsync(HttpMethod.Get, Logging, operatorAdmin);
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"the operator's admin key: {(int)read.StatusCode} {settings}");
        Assert.Equal(0u, settings!["log_verbose_level"]!.GetValue<uint>());
    }

    [Fact]
    public async Task ServerMetadata_ListsLogging()
    {
        await using var gateway = SecureGateway.Start();

        var (_, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v2", key: null);

        Assert.Contains("logging", body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    private static string Recorded(RecordingSink sink) => string.Join(" | ", sink.Events.Select(e => $"{e.Level}: {e.Message}"));
}
