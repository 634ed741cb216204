namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>A gateway started by a test ends when the process that started it dies without stopping it (a killed test host).</summary>
public sealed class ChildProcessParentTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("maas-parent-").FullName;

    [Fact]
    public async Task Start_ParentKilled_GatewayEndsWithinSeconds()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the parent watch is Linux's");
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        int port = ChildProcess.FreePort();
        // A stand-in for the test host: killing the real one would end this test too.
        using var parent = ChildProcess.Start("sleep", ["600"], name: "stand-in parent");
        using var gateway = ChildProcess.Start("dotnet",
            [dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", Path.Combine(_temp, "data"), "--Serving:RepositoryPath", Path.Combine(_temp, "models"),
                "--Storage:SeedDemoDataWhenEmpty", "false", "--Recommendations:BuildOnStart", "false", "--Auth:Enabled", "false"],
            Path.GetDirectoryName(dll), "gateway", parentProcessId: parent.Id);
        await gateway.WaitForUrlAsync(new Uri($"http://127.0.0.1:{port}/v1/ping"), TimeSpan.FromMinutes(2), ct);
        // The pid the caller holds is the gateway's own (signals and /proc reads reach it), not a wrapper's.
        Assert.Contains("MaaS.Gateway.dll", await File.ReadAllTextAsync($"/proc/{gateway.Id}/cmdline", ct), StringComparison.Ordinal);

        parent.Kill();
        var clock = Stopwatch.StartNew();
        while (!gateway.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, ct);
        }

        Assert.True(gateway.HasExited, $"the gateway still runs {clock.Elapsed.TotalSeconds:0} s after its parent died:\n{gateway.Tail()}");
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);
}
