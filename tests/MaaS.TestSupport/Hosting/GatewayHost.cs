using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaaS.TestSupport.Diagnostics;
using MaaS.TestSupport.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MaaS.TestSupport.Hosting;

/// <summary>
/// The real gateway (Program) in process on a real Kestrel socket on 127.0.0.1 (a free port) over a temp model
/// repository the test fills and its own temp data folder, with options overridden per test. <see cref="Client"/>
/// talks to it; <see cref="Address"/> is for clients of its own (the CLI). Dispose to stop it and delete both folders.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>Far beyond a normal stop (the host's own shutdown timeout is 30 s; stops take a second or two).</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(3);

    private readonly Factory _factory;

    private GatewayHost(TestRepository repository, string dataDirectory, Factory factory)
    {
        Repository = repository;
        DataDirectory = dataDirectory;
        _factory = factory;
        Client = factory.CreateClient();
        // A bound on one request, not a speed check: a quiet box answers in well under a second, and on the shared box at
        // load 50-70 a fresh gateway's first request took more than the 60 s this was.
        Client.Timeout = TimeSpan.FromSeconds(180);
    }

    public TestRepository Repository { get; }

    public HttpClient Client { get; }

    /// <summary>The listening address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => new(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// A client over the socket at <see cref="Address"/> that leaves redirects unfollowed, so a test sees the 302 and
    /// its Location (<see cref="Client"/> follows them). The caller disposes it.
    /// </summary>
    public HttpClient CreateClientWithoutRedirects() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Address };

    /// <summary>The host's own data folder (SQLite file, item-CF index versions, published models); deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>The folder published models are written to (apart from <see cref="Repository"/>, the bundled one).</summary>
    public string PublishedDirectory => Services.GetRequiredService<MaaS.Models.Registry.IModelRegistry>().PublishedRepositoryPath;

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts the gateway; <paramref name="services"/> adds to its services (a startup filter, say) after Program's own.</summary>
    public static GatewayHost Start(Action<TestRepository> setup, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var repository = new TestRepository();
        setup(repository);
        string data = Path.Combine(Path.GetTempPath(), "maas-data-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?>
        {
            ["Serving:RepositoryPath"] = repository.Root,
            // Each host its own store; no demo data unless a test asks for it.
            ["Storage:DataDirectory"] = data,
            ["Storage:SeedDemoDataWhenEmpty"] = "false",
            ["Recommendations:RebuildIntervalSeconds"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // A free port on the loopback, through the same setting the gateway's own Urls uses: binding it with Listen
            // beside appsettings' Urls had Kestrel warn "Overriding address(es)" at every start.
            ["Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new Factory(all, services);
        // The port comes from Urls (above), not UseKestrel(0): the latter rewrites the server addresses after Build, which
        // races the minimal-hosting start ("Addresses cannot be modified after the server has started").
        // No minimum body data rate: tests hold a request's body back on purpose (admission), and on a loaded box the
        // default (240 bytes/s after 5 s) aborted the held request before the test had looked at what it held.
        factory.UseKestrel(options => options.Limits.MinRequestBodyDataRate = null);
        factory.StartServer();
        return new GatewayHost(repository, data, factory);
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> PostJsonAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        var response = await Client.PostAsync(path, content, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendJsonAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path, TestContext.Current.CancellationToken);
        return (response, await ReadAsync(response));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        // Bounded: a host that never stops would hang the test host after its last test, silently (this happened in CI,
        // from a class fixture's teardown or later). Overrunning fails loudly, with a dump of what it waited for.
        try
        {
            await _factory.DisposeAsync().AsTask().WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
            string? dump = SelfDump.Write("gateway-stop");
            throw new TimeoutException($"the in-process gateway did not stop within {StopTimeout.TotalMinutes:0} min{(dump is null ? "" : $"; dump: {dump}")}");
        }

        Repository.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private sealed class Factory(IDictionary<string, string?> settings, Action<IServiceCollection>? services) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }
    }
}
