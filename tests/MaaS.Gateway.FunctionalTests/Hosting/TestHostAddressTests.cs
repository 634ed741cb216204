namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>
/// The in-process test gateway binds its free port through the gateway's own <c>Urls</c> setting, so Kestrel has one
/// source of addresses: with an explicit Listen beside appsettings' Urls it warned "Overriding address(es)" at every
/// start of every test host, a warning that hid real ones in CI output.
/// </summary>
public sealed class TestHostAddressTests
{
    [Fact]
    public async Task Start_InProcessHost_ListensOnLoopbackWithoutOverridingAnAddress()
    {
        var sink = new RecordingSink();
        // The lifetime's lines as a sign that the sink sees what the host logs.
        var settings = new Dictionary<string, string?> { ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Information" };
        Uri address;
        await using (var host = GatewayHost.Start(r => r.WithExampleMlp(), settings, services => services.AddSingleton<Serilog.Core.ILogEventSink>(sink)))
        {
            address = host.Address;
            using var ping = await host.Client.GetAsync("/v2/health/live", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        }

        // Rendered with its strings quoted: the quotes are dropped to read it as the console shows it.
        string text = string.Join('\n', sink.Messages).Replace("\"", "", StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(8080, address.Port);
        Assert.Contains($"Now listening on: http://127.0.0.1:{address.Port}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Overriding address", text, StringComparison.Ordinal);
    }

    /// <summary>Keeps each event's rendered message; the gateway's logger reads sinks from its services.</summary>
    private sealed class RecordingSink : Serilog.Core.ILogEventSink
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public void Emit(Serilog.Events.LogEvent logEvent) => _messages.Enqueue(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
