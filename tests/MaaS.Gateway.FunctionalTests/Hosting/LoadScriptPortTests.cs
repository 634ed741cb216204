using System.Net.Sockets;

namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>The load scripts (tests/MaaS.Benchmarks/load) pick free ports unless MAAS_LOAD_PORT names one, so two runs never collide.</summary>
public sealed partial class LoadScriptPortTests
{
    private static readonly string Folder = Path.Combine(SharedData.RepositoryRoot, "tests", "MaaS.Benchmarks", "load");

    [Fact]
    public void Scripts_WithoutMaasLoadPort_NoFixedPort()
    {
        var fixedPorts = Directory.GetFiles(Folder, "*.sh")
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetFileName(file), Number: i + 1, Line: line)))
            .Where(l => FixedPort().IsMatch(l.Line))
            .Select(l => $"{l.File}:{l.Number}: {l.Line.Trim()}")
            .ToList();

        Assert.True(fixedPorts.Count == 0, "fixed ports:\n" + string.Join('\n', fixedPorts));
    }

    [Fact]
    public async Task FreePort_Three_DistinctAndFree()
    {
        Assert.SkipUnless(File.Exists("/bin/bash"), "bash is not installed");
        var (exit, output) = await ChildProcess.RunAsync("/bin/bash", ["-c", "source \"$1\"; free_port 3", "ports", Path.Combine(Folder, "ports.sh")], TestContext.Current.CancellationToken);

        Assert.True(exit == 0, $"exit {exit}: {output}");
        int[] ports = [.. output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        Assert.True(ports.Length == 3 && ports.Distinct().Count() == 3, $"free_port 3 printed '{output}'");
        foreach (int port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    // A default port after ':-' (${MAAS_LOAD_PORT:-18089}) or a literal one given to start_gateway.
    [GeneratedRegex(@"PORT[A-Z_0-9]*:-\d|start_gateway\s+\d")]
    private static partial Regex FixedPort();
}
