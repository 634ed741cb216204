using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace MaaS.TestSupport.Processes;

/// <summary>
/// The gateway as a separate OS process: the build output of src/MaaS.Gateway (same configuration as the test
/// assemblies; the project reference builds it) run with <c>dotnet</c> on a fixed loopback port with settings given as
/// command-line configuration. It can be SIGKILLed and started again on the same port (a load balancer's upstream list
/// stays valid). Dispose kills it if it still runs. Not thread-safe: one test drives it.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly string _readinessPath;
    private ChildProcess? _process;

    /// <param name="dll">The gateway dll (<see cref="FindGatewayDll"/>).</param>
    /// <param name="port">Loopback port to listen on (<see cref="ChildProcess.FreePort"/>).</param>
    /// <param name="settings">Configuration keys and values (<c>Storage:DataDirectory</c> …), passed as <c>--key value</c>.</param>
    /// <param name="readinessPath">Path that answers 200 once the gateway serves.</param>
    public GatewayProcess(string dll, int port, IEnumerable<KeyValuePair<string, string>> settings, string readinessPath = "/v2/health/ready")
    {
        _dll = dll;
        _readinessPath = readinessPath;
        Address = new Uri($"http://127.0.0.1:{port}");
        _arguments = [dll, "--urls", Address.ToString(), .. settings.SelectMany(s => new[] { "--" + s.Key, s.Value })];
    }

    /// <summary>
    /// How long a start may take before it fails: a few seconds on a quiet box. It was 30 s, and at load 50-70 (the
    /// shared box with every test assembly running) a gateway process was not ready after 30 s.
    /// </summary>
    public static TimeSpan DefaultStartTimeout { get; } = TimeSpan.FromSeconds(120);

    public Uri Address { get; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Every line the current (or last) run wrote to stdout and stderr.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>The last lines of the current (or last) run, for assertion messages.</summary>
    public string Tail => _process?.Tail() ?? string.Empty;

    /// <summary>
    /// Waits until a line of the current run contains <paramref name="text"/> (ordinal). A log line can come after the
    /// answer of the request that wrote it (request logging runs once the response is sent) and reaches the test through
    /// a pipe: a test that reads the log waits for the line it needs rather than sleeping.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started, or the process exited first.</exception>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public Task WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        (_process ?? throw new InvalidOperationException("the gateway was not started")).WaitForLineAsync(text, timeout, cancellationToken);

    /// <summary>The gateway dll of this build configuration next to this repository's sources, or null when it is not built.</summary>
    public static string? FindGatewayDll()
    {
        string configuration = typeof(GatewayProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "MaaS.Gateway", "bin", configuration, "net10.0", "MaaS.Gateway.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary><see cref="FindGatewayDll"/>, or the calling test skipped when the gateway is not built.</summary>
    public static string RequireGatewayDll()
    {
        string? dll = FindGatewayDll();
        if (dll is null)
        {
            Assert.Skip("src/MaaS.Gateway is not built in this test's configuration");
        }

        return dll;
    }

    /// <summary>
    /// Starts a gateway on a free port over its own SQLite data folder and model repository, without demo data,
    /// background index rebuilds or authentication, logging warnings and up; <paramref name="settings"/> override or add keys. Ready
    /// when <c>/v1/ping</c> answers (within <paramref name="startTimeout"/>, default <see cref="DefaultStartTimeout"/>).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(
        string dll, string dataDirectory, string modelsDirectory, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null, TimeSpan? startTimeout = null)
    {
        var all = new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:SeedDemoDataWhenEmpty"] = "false",
            ["Serving:RepositoryPath"] = modelsDirectory,
            ["Recommendations:RebuildIntervalSeconds"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // A built gateway runs with authentication on unless told otherwise, as every deployment does.
            ["Auth:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        for (int attempt = 1; ; attempt++)
        {
            var gateway = new GatewayProcess(dll, ChildProcess.FreePort(), all, readinessPath: "/v1/ping");
            try
            {
                await gateway.StartAsync(startTimeout ?? DefaultStartTimeout, cancellationToken);
                return gateway;
            }
            catch (InvalidOperationException) when (attempt < 3 && gateway.LostItsPort)
            {
                gateway.Dispose();
            }
            catch
            {
                gateway.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Whether the run ended because its port was taken: <see cref="ChildProcess.FreePort"/> frees the port it found
    /// before the gateway binds it, seconds later on a loaded box, and another process (a test's, or any connection's
    /// local port) may take it meanwhile. A caller that chose the port freely starts again on a new one.
    /// </summary>
    public bool LostItsPort => !IsRunning && Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts the process unless it runs, and waits until the readiness path answers 200.</summary>
    /// <exception cref="InvalidOperationException">It exited before it was ready (the message carries its last lines).</exception>
    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>.</exception>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        _process = ChildProcess.Start("dotnet", _arguments, Path.GetDirectoryName(_dll), name: $"gateway {Address}");
        await _process.WaitForUrlAsync(new Uri(Address, _readinessPath), timeout, cancellationToken);
    }

    /// <summary>SIGKILL: no graceful shutdown, no flush; in-flight requests die with the process.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>
    /// SIGTERM, as a service manager or <c>docker stop</c> sends, and the wait for the graceful exit; returns how long
    /// the exit took from the signal.
    /// </summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is then killed by dispose).</exception>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = _process is { HasExited: false } running ? running : throw new InvalidOperationException("the gateway is not running");
        var clock = Stopwatch.StartNew();
        var (exit, output) = await ChildProcess.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        Assert.True(exit == 0, $"kill -TERM {process.Id}: exit {exit}: {output}");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{process.Name} still running {timeout.TotalSeconds:0} s after SIGTERM:\n{process.Tail()}");
        }

        return clock.Elapsed;
    }

    public void Dispose() => _process?.Dispose();
}
