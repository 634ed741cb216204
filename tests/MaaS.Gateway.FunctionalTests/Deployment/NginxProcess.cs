using System.Diagnostics;
using System.Net.Sockets;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// nginx as a child process (<c>nginx -c conf -p dir</c>, in the foreground, one worker): a load balancer over
/// loopback upstreams, configured like docker/nginx.conf (passive health: max_fails/fail_timeout, next upstream on
/// error/timeout/502/503, non-idempotent requests included because event batches dedupe by event id).
/// </summary>
internal sealed class NginxProcess : IDisposable
{
    private readonly Process _process;

    private NginxProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The nginx binary on PATH or in /usr/sbin, or null when it is not installed.</summary>
    public static string? FindNginx()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/local/sbin");
        return directories.Select(d => Path.Combine(d, "nginx")).FirstOrDefault(File.Exists);
    }

    public static async Task<NginxProcess> StartAsync(string nginx, string directory, IEnumerable<Uri> upstreams, CancellationToken cancellationToken)
    {
        int port = ReplicaProcess.FreePort();
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        string servers = string.Join("\n", upstreams.Select(u => $"        server 127.0.0.1:{u.Port} max_fails=1 fail_timeout=5s;"));
        string config = $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/tmp;
                proxy_temp_path {{directory}}/tmp;
                upstream maas {
            {{servers}}
                    keepalive 32;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://maas;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 30s;
                        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                        proxy_next_upstream_tries 2;
                    }
                }
            }
            """;
        string path = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        var start = new ProcessStartInfo(nginx)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-c", path, "-p", directory, "-e", Path.Combine(directory, "logs", "error.log"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new NginxProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await result.WaitListeningAsync(port, directory, cancellationToken);
        return result;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            // SIGKILL of the master leaves its worker orphaned; SIGTERM-like Kill on the tree takes both.
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private async Task WaitListeningAsync(int port, string directory, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                string log = File.Exists(Path.Combine(directory, "logs", "error.log")) ? await File.ReadAllTextAsync(Path.Combine(directory, "logs", "error.log"), cancellationToken) : "";
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}: {log}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException("nginx did not listen within 5 s");
    }
}
