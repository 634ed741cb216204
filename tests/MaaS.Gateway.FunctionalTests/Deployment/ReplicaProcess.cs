using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MaaS.Gateway.FunctionalTests.Recommendations;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// One gateway replica as an OS process (the build output dll of src/MaaS.Gateway run with <c>dotnet</c>) on a fixed
/// loopback port, over PostgreSQL and a shared model repository. It can be SIGKILLed and started again on the same
/// port, so nginx's upstream list stays valid. Keeps the last lines of its output for failure messages.
/// </summary>
internal sealed class ReplicaProcess : IDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Queue<string> _tail = new();
    private Process? _process;

    public ReplicaProcess(string dll, int port, IReadOnlyDictionary<string, string> settings)
    {
        _dll = dll;
        Address = new Uri($"http://127.0.0.1:{port}");
        _arguments = [dll, "--urls", Address.ToString(), .. settings.SelectMany(s => new[] { "--" + s.Key, s.Value })];
    }

    public Uri Address { get; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>The last lines the process wrote (stdout and stderr), for assertion messages.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The gateway dll of this test's build configuration, or null when it is not built.</summary>
    public static string? FindGatewayDll() => GatewayProcess.FindGatewayDll();

    /// <summary>Starts the process and waits until /v2/health/ready answers 200.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitReadyAsync(timeout, cancellationToken);
    }

    /// <summary>SIGKILL: no graceful shutdown, in-flight requests die with the process.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"replica {Address} exited with code {_process.ExitCode} before it was ready:\n{Tail}");
            }

            try
            {
                using var response = await client.GetAsync("/v2/health/ready", cancellationToken);
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

        throw new TimeoutException($"replica {Address} was not ready within {timeout.TotalSeconds:0} s:\n{Tail}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }
}
