using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MaaS.TestSupport.Processes;

/// <summary>
/// A child process for tests: started with its stdout and stderr captured line by line (the pipes are always drained,
/// so a chatty child never blocks on a full pipe), waited on until it is ready (an HTTP URL answering 200, a line in
/// its output, or a TCP port accepting), and killed on dispose if it still runs, or (on Linux) within a second of its
/// parent's death when the parent ends without disposing it (a test host killed by a timeout or by hand), so no child
/// outlives the run that started it. Reads of the output are thread-safe.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    /// <summary>Lines kept; older ones are dropped so a long, noisy run cannot exhaust memory.</summary>
    private const int MaxLines = 50_000;

    /// <summary>The ports <see cref="FreePort"/> gave out: each once per process.</summary>
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly bool _killTree;

    private ChildProcess(Process process, string name, bool killTree)
    {
        _process = process;
        Name = name;
        _killTree = killTree;
    }

    /// <summary>Short name used in failure messages (the file name, unless given).</summary>
    public string Name { get; }

    /// <summary>Operating-system process id.</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Exit code; only meaningful once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line written to stdout and stderr so far, in arrival order.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> (passed as a list: no shell quoting).
    /// With <paramref name="killEntireTree"/>, kill takes the child's children too (nginx's workers).
    /// <paramref name="environment"/> adds to (a null value removes from) the inherited environment. On Linux the child
    /// is SIGKILLed once <paramref name="parentProcessId"/> (default: this process) is gone.
    /// </summary>
    /// <exception cref="FileNotFoundException">
    /// On Linux, <paramref name="fileName"/> names no executable file (a path) or none on the PATH (a bare name): checked
    /// here, since the parent watch's shell would otherwise start and report it only as exit code 127.
    /// </exception>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null, string? name = null, bool killEntireTree = false,
        IReadOnlyDictionary<string, string?>? environment = null, int? parentProcessId = null)
    {
        if (OperatingSystem.IsLinux())
        {
            RequireExecutable(fileName, workingDirectory, environment);
        }

        var start = OperatingSystem.IsLinux()
            ? StartInfo("/bin/sh", ["-c", WatchParent, "maas-child", (parentProcessId ?? Environment.ProcessId).ToString(CultureInfo.InvariantCulture), fileName, .. arguments], workingDirectory, environment)
            : StartInfo(fileName, arguments, workingDirectory, environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var child = new ChildProcess(process, name ?? Path.GetFileName(fileName), killEntireTree);
        process.OutputDataReceived += (_, e) => child.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => child.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Runs a command to completion; returns its exit code and its stdout followed by its stderr. Stdout is a pipe, as
    /// when a user redirects it. <paramref name="environment"/> adds to (a null value removes from) the inherited one.
    /// A command still running (or a child of it still holding its output open) after <paramref name="timeout"/>
    /// (default <see cref="DefaultRunTimeout"/>) is killed with its children and the call throws <see cref="TimeoutException"/>:
    /// a test never waits without bound on another program.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(fileName, arguments, workingDirectory, environment)) ?? throw new InvalidOperationException($"{fileName} did not start");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout ?? DefaultRunTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(bounded.Token);
        var stderr = process.StandardError.ReadToEndAsync(bounded.Token);
        try
        {
            await process.WaitForExitAsync(bounded.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)}: not done within {(timeout ?? DefaultRunTimeout).TotalSeconds:0} s");
        }
    }

    // The shell forks a watcher and then execs the command in its own place, so the command keeps the pid the caller
    // sees (kills, /proc reads, signals reach it) and the watcher is its child (a tree kill takes both). The watcher
    // polls the parent each second and SIGKILLs the command once the parent is gone; it ends with the command too, and
    // holds none of its output pipes (they would keep the reader from seeing the end).
    private const string WatchParent =
        """parent=$1; shift; self=$$; ( while kill -0 "$parent" 2>/dev/null && kill -0 "$self" 2>/dev/null; do sleep 1; done; kill -KILL "$self" 2>/dev/null ) </dev/null >/dev/null 2>&1 & exec "$@" """;

    /// <summary>How long <see cref="RunAsync"/> waits by default: longer than any command a test runs takes on a loaded 2-core machine.</summary>
    public static TimeSpan DefaultRunTimeout { get; } = TimeSpan.FromMinutes(5);

    // Both output streams piped, no shell; the arguments as a list (no quoting) and the environment edited in place.
    private static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    // As the shell's exec finds it: a name with a slash is a path (relative to the working directory), a bare name is
    // looked up in the PATH the child gets.
    private static void RequireExecutable(string fileName, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        if (fileName.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(fileName))
        {
            string path = Path.GetFullPath(fileName, workingDirectory ?? Environment.CurrentDirectory);
            if (!IsExecutable(path))
            {
                throw new FileNotFoundException($"cannot start '{fileName}': {path} is not an executable file", fileName);
            }

            return;
        }

        string? searchPath = environment is not null && environment.TryGetValue("PATH", out string? own) ? own : Environment.GetEnvironmentVariable("PATH");
        if (!(searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => IsExecutable(Path.Combine(d, fileName))))
        {
            throw new FileNotFoundException($"cannot start '{fileName}': not found on the PATH ({searchPath})", fileName);
        }
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>
    /// A loopback TCP port free at the time of the call and never handed out before in this process (another process may
    /// still take it before use). The kernel hands a port freed a moment ago to the next caller as well: two tests then
    /// started a gateway each on one port, one gateway failed to bind, and its test's readiness check and requests were
    /// answered by the other test's gateway until that one stopped ("Connection refused" mid-test).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of output, for assertion and failure messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = _lines.ToArray();
        return string.Join('\n', all.AsSpan(Math.Max(0, all.Length - lines)).ToArray());
    }

    /// <summary>Waits until GET <paramref name="url"/> answers 200.</summary>
    /// <exception cref="InvalidOperationException">The process exited first (the message carries its last lines).</exception>
    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>.</exception>
    public async Task WaitForUrlAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitAsync($"GET {url} answering 200", timeout, async () =>
        {
            try
            {
                using var response = await client.GetAsync(url, cancellationToken);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>Waits until a line of output contains <paramref name="text"/> (ordinal).</summary>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>.</exception>
    public Task WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync($"a line containing '{text}'", timeout, () => Task.FromResult(_lines.Any(l => l.Contains(text, StringComparison.Ordinal))), cancellationToken);

    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a TCP connection.</summary>
    /// <exception cref="InvalidOperationException">The process exited first.</exception>
    /// <exception cref="TimeoutException">Not listening within <paramref name="timeout"/>.</exception>
    public Task WaitForPortAsync(int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitAsync($"127.0.0.1:{port} accepting connections", timeout, async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, cancellationToken);

    /// <summary>Waits until the process exits on its own and its output is drained.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>SIGKILL on Linux: no shutdown hooks, no flush. Returns once the process is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(_killTree);
        }

        // Bounded: without a timeout WaitForExit also waits for the end of the output pipes, which a grandchild that
        // outlived the kill could hold open for ever.
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"{Name} (pid {_process.Id}) still running 30 s after SIGKILL");
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private async Task WaitAsync(string what, TimeSpan timeout, Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                // The pipes may still hold the last lines (the reason it exited): let them drain first.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before {what}:\n{Tail()}");
            }

            if (await ready())
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"{Name}: no {what} within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > MaxLines && _lines.TryDequeue(out _))
        {
        }
    }
}
