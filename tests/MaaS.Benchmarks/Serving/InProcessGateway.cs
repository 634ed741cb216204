extern alias gateway;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// A gateway started in this process on its own thread (its <c>Main</c>, with arguments), for load runs that compare
/// two configurations in one window: auth off, no index build at start, warnings only.
/// </summary>
internal static class InProcessGateway
{
    public static void Start(int port, string models, bool batching, string dataName, params string[] extra)
    {
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--Serving:RepositoryPath={models}",
            $"--Serving:DynamicBatching={(batching ? "true" : "false")}",
            "--Auth:Enabled=false",
            $"--Storage:DataDirectory={Path.Combine(Path.GetTempPath(), $"maas-{dataName}-{port}")}",
            "--Recommendations:BuildOnStart=false",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Warning",
            .. extra,
        ];
        var entry = typeof(gateway::Program).Assembly.EntryPoint!;
        new Thread(() => entry.Invoke(null, [args])) { IsBackground = true, Name = $"gateway-{port}" }.Start();
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx, or gives up after <paramref name="attempts"/> tries.</summary>
    public static async Task WaitReadyAsync(int port, string path = "/v2/health/ready", int attempts = 300, int delayMs = 100)
    {
        using var client = new HttpClient();
        for (int i = 0; i < attempts; i++)
        {
            try
            {
                if ((await client.GetAsync($"http://127.0.0.1:{port}{path}")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(delayMs);
        }

        throw new TimeoutException($"gateway on port {port} did not become ready");
    }
}
