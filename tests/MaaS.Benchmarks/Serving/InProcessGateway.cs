extern alias gateway;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// A gateway started in this process on its own thread (its <c>Main</c>, with arguments), for load runs that compare
/// two configurations in one window: auth off, no index build at start, warnings only.
/// </summary>
internal static class InProcessGateway
{
    /// <summary>
    /// Arguments that lift the work budget out of a load run's way. A load run's clients share one partition (auth off:
    /// one client address), and the default budget (100,000 units/s) is a quota, not a capacity: the serving run's
    /// 32-row requests cost 33 units each, and once the one-pass V2 decode let a 2-core box answer ~4,100 of them a
    /// second (~137,000 units/s) the budget refused the rest with 429s, as it must refuse any tenant over it; a
    /// transformer text costs 10 units per estimated word piece (a few hundred for MR and Netflix texts), so ~300
    /// texts/s of the transformer run is about the budget too. Runs
    /// that measure what the server does lift it, as they turn the per-key rate limiter off; the admission run measures
    /// the budget itself.
    /// </summary>
    public static readonly string[] UnboundedBudget = ["--Auth:Admission:CostPerSecond=1000000000", "--Auth:Admission:CostBurst=1000000000"];

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
