using System.Net.Sockets;

namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>The built gateway started as an operator starts it, and what it says when it cannot.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("maas-startup-").FullName;

    [Fact]
    public async Task Start_PortAlreadyInUse_OneLineAndExitCode1()
    {
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var gateway = ChildProcess.Start("dotnet",
            [dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", Path.Combine(_temp, "data"), "--Serving:RepositoryPath", Path.Combine(_temp, "models"),
                "--Storage:SeedDemoDataWhenEmpty", "false", "--Recommendations:BuildOnStart", "false"],
            SharedData.RepositoryRoot, "gateway (port taken)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await gateway.WaitForExitAsync(timeout.Token);

        string output = gateway.Output;
        Assert.True(gateway.ExitCode == 1, $"exit code {gateway.ExitCode}:\n{output}");
        var mentions = output.Split('\n').Where(l => l.Contains("address already in use", StringComparison.OrdinalIgnoreCase)).ToList();
        var line = Assert.Single(mentions);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
