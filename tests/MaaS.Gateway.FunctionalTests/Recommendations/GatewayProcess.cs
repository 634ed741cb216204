using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// The gateway as a separate OS process: the build output of src/MaaS.Gateway (same configuration as this test
/// assembly; the project reference builds it) started with <c>dotnet</c> on a free loopback port over a given data
/// folder. Kill sends SIGKILL on Linux. Dispose kills it if it still runs.
/// </summary>
internal sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private GatewayProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Every line the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The gateway dll next to this repository's sources, or null when it is not built.</summary>
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

    public static async Task<GatewayProcess> StartAsync(
        string dll, string dataDirectory, string modelsDirectory, CancellationToken cancellationToken, params string[] settings)
    {
        int port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            dll, "--urls", address.ToString(),
            "--Storage:DataDirectory", dataDirectory,
            "--Storage:SeedDemoDataWhenEmpty", "false",
            "--Serving:RepositoryPath", modelsDirectory,
            "--Recommendations:RebuildIntervalSeconds", "0",
            "--Serilog:MinimumLevel:Default", "Warning",
        }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var gateway = new GatewayProcess(process, address);
        // Drain the pipes (a chatty gateway must never block on a full pipe), keeping the lines for assertions.
        process.OutputDataReceived += (_, e) => gateway.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitReadyAsync(cancellationToken);
        return gateway;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush; only what was durable survives.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited with code {_process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await client.GetAsync("/v1/ping", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("the gateway was not ready within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
