using MaaS.TestSupport.Processes;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// nginx as a child process (<c>nginx -c conf -p dir</c>, in the foreground, one worker): a load balancer over
/// loopback upstreams, configured like docker/nginx.conf (passive health: max_fails/fail_timeout, next upstream on
/// error/timeout/502/503, non-idempotent requests included because event batches dedupe by event id).
/// </summary>
internal sealed class NginxProcess : IDisposable
{
    private readonly ChildProcess _process;

    private NginxProcess(ChildProcess process, Uri address)
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
        int port = ChildProcess.FreePort();
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
        string errorLog = Path.Combine(directory, "logs", "error.log");
        // SIGKILL of the master alone leaves its worker orphaned: kill the tree.
        var process = ChildProcess.Start(nginx, ["-c", path, "-p", directory, "-e", errorLog, "-g", "daemon off;"], killEntireTree: true);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (InvalidOperationException) when (process.HasExited)
        {
            // nginx reports configuration errors to its error log, not to the captured output.
            string log = File.Exists(errorLog) ? await File.ReadAllTextAsync(errorLog, cancellationToken) : "";
            int code = process.ExitCode;
            process.Dispose();
            throw new InvalidOperationException($"nginx exited with code {code}: {log}");
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new NginxProcess(process, new Uri($"http://127.0.0.1:{port}"));
    }

    public void Dispose() => _process.Dispose();
}
