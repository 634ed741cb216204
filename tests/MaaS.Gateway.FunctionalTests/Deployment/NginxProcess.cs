namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// nginx as a child process (<c>nginx -c conf -p dir</c>, in the foreground): a load balancer over loopback upstreams
/// running docker/nginx.conf itself, so the tests check the shipped retry and timeout policy. Only what ties the file
/// to Docker is rewritten (<see cref="FromDockerConfig"/>): the upstream servers (their health parameters kept), the
/// listener, Docker's resolver, the worker count and the process's own paths.
/// </summary>
internal sealed partial class NginxProcess : IDisposable
{
    private readonly ChildProcess _process;

    private NginxProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>docker/nginx.conf of this checkout.</summary>
    public static string DockerConfigPath => Path.Combine(SharedData.RepositoryRoot, "docker", "nginx.conf");

    /// <summary>The nginx binary on PATH or in /usr/sbin, or null when it is not installed.</summary>
    public static string? FindNginx()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/local/sbin");
        return directories.Select(d => Path.Combine(d, "nginx")).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// docker/nginx.conf for loopback processes: <c>server gateway:8080 resolve …</c> becomes one server line per
    /// upstream with the same parameters, <c>listen 8080</c> becomes the loopback port, the resolver goes, temp files
    /// go under <paramref name="directory"/>. Throws when the file no longer has one of these lines, so a change to it
    /// fails the tests loudly instead of testing something else.
    /// </summary>
    public static string FromDockerConfig(string docker, string directory, int port, IEnumerable<Uri> upstreams)
    {
        string config = Replace(docker, WorkerProcesses(), _ => "worker_processes 1;");
        config = Replace(config, Resolver(), _ => "");
        config = Replace(config, UpstreamServer(), m => string.Join("\n", upstreams.Select(u =>
            $"{m.Groups["indent"].Value}server 127.0.0.1:{u.Port}{m.Groups["parameters"].Value};")));
        config = Replace(config, Listen(), m => $"{m.Groups["indent"].Value}listen 127.0.0.1:{port};");
        string temp = Path.Combine(directory, "tmp");
        return Replace(config, HttpBlock(), m => m.Value + string.Concat(
            new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(kind => $"\n    {kind}_temp_path {temp};")));
    }

    public static async Task<NginxProcess> StartAsync(string nginx, string directory, IEnumerable<Uri> upstreams, CancellationToken cancellationToken)
    {
        int port = ChildProcess.FreePort();
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
        Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        string config = FromDockerConfig(await File.ReadAllTextAsync(DockerConfigPath, cancellationToken), directory, port, upstreams);
        string path = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        string errorLog = Path.Combine(directory, "logs", "error.log");
        // SIGKILL of the master alone leaves its worker orphaned: kill the tree.
        var process = ChildProcess.Start(
            nginx, ["-c", path, "-p", directory, "-e", errorLog, "-g", $"daemon off; pid {Path.Combine(directory, "nginx.pid")};"], killEntireTree: true);
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

    private static string Replace(string config, Regex pattern, MatchEvaluator replacement)
    {
        int matches = pattern.Count(config);
        if (matches != 1)
        {
            throw new InvalidOperationException($"docker/nginx.conf has {matches} lines matching /{pattern}/ where the deployment tests expect one; update NginxProcess.FromDockerConfig");
        }

        return pattern.Replace(config, replacement);
    }

    [GeneratedRegex(@"^worker_processes\s+\S+;", RegexOptions.Multiline)]
    private static partial Regex WorkerProcesses();

    [GeneratedRegex(@"^[ \t]*resolver\s[^;]*;", RegexOptions.Multiline)]
    private static partial Regex Resolver();

    [GeneratedRegex(@"^(?<indent>[ \t]*)server\s+gateway:8080(?:\s+resolve)?(?<parameters>[^;]*);", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^(?<indent>[ \t]*)listen\s+8080;", RegexOptions.Multiline)]
    private static partial Regex Listen();

    [GeneratedRegex(@"^http\s*\{", RegexOptions.Multiline)]
    private static partial Regex HttpBlock();
}
