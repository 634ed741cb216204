extern alias gateway;

using System.Net.Sockets;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// <c>POST /v1/recommend</c> latency with field encryption off and on (console mode): two real gateways in this process
/// over their own SQLite data folders, each seeded with the demo data and its index, the history cache off
/// (<c>Recommendations:HistoryCacheSeconds=0</c>, so every request reads and opens the user's events: the worst case),
/// driven by <c>--clients</c> concurrent clients asking for random demo users, modes interleaved A, B, A, B…
/// Both are pseudonymous (raw ids are not reachable through configuration). Usage:
/// <c>privacy-http [--rounds 5] [--seconds 5] [--clients 4]</c>.
/// </summary>
internal static class PrivacyHttpCostTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = Option(args, "--rounds", 5), seconds = Option(args, "--seconds", 5), clients = Option(args, "--clients", 4);
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "maas-privacy-models-" + Guid.NewGuid().ToString("N"))).FullName;
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var modes = new (string Name, int Port, string[] Extra)[]
        {
            ("pseudonymous, encryption off", FreePort(), []),
            ("pseudonymous, AES-GCM fields", FreePort(), ["--Privacy:EncryptionKeyId=k1", $"--Privacy:EncryptionKeys:k1={key}"]),
        };
        foreach (var mode in modes)
        {
            Start(mode.Port, models, mode.Extra);
        }
        foreach (var mode in modes)
        {
            await WaitForIndexAsync(mode.Port);
        }
        // One untimed pass per mode first (JIT tiering, connection pools), so round 1 is not a cold start.
        foreach (var mode in modes)
        {
            await LoadAsync(mode.Port, clients, 2);
        }
        Console.WriteLine($"MaaS privacy HTTP cost: {rounds} rounds x {seconds} s per mode, {clients} clients, history cache off, {Environment.ProcessorCount} cores");
        var latencies = modes.Select(_ => new List<double>()).ToArray();
        var throughput = modes.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                var (count, times) = await LoadAsync(modes[m].Port, clients, seconds);
                latencies[m].AddRange(times);
                throughput[m].Add(count / (double)seconds);
                times.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {modes[m].Name}: {count / (double)seconds:N0} req/s, p50 {times[times.Count / 2]:0.00} ms"));
            }
        }
        Console.WriteLine();
        Console.WriteLine("| mode | recommend req/s (median of rounds) | p50 ms | p99 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var m = 0; m < modes.Length; m++)
        {
            latencies[m].Sort();
            var rates = throughput[m].Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {modes[m].Name} | {rates[rates.Count / 2]:N0} | {latencies[m][latencies[m].Count / 2]:0.00} | {latencies[m][(int)(latencies[m].Count * 0.99)]:0.00} |"));
        }
        return 0;
    }

    private static async Task<(int Count, List<double> Times)> LoadAsync(int port, int clients, int seconds)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var all = new List<double>();
        var tasks = Enumerable.Range(0, clients).Select(async c =>
        {
            var random = new Random(c);
            var times = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                var body = $$"""{"userId":"demo-user-{{random.Next(1, 201):D3}}","count":10}""";
                long start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/v1/recommend", new StringContent(body, Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            return times;
        }).ToList();
        foreach (var times in await Task.WhenAll(tasks))
        {
            all.AddRange(times);
        }
        return (all.Count, all);
    }

    private static void Start(int port, string models, string[] extra)
    {
        string[] gatewayArgs =
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--Serving:RepositoryPath={models}",
            "--Auth:Enabled=false",
            $"--Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "maas-privacy-http-" + Guid.NewGuid().ToString("N"))}",
            "--Storage:SeedDemoDataWhenEmpty=true",
            "--Recommendations:BuildOnStart=true",
            "--Recommendations:HistoryCacheSeconds=0",
            "--Serilog:MinimumLevel:Default=Warning",
            .. extra,
        ];
        var entry = typeof(gateway::Program).Assembly.EntryPoint!;
        new Thread(() => entry.Invoke(null, [gatewayArgs])) { IsBackground = true, Name = $"gateway-{port}" }.Start();
    }

    private static async Task WaitForIndexAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var response = await http.PostAsync("/v1/recommend", new StringContent("""{"userId":"demo-user-001","count":10}""", Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && text.Contains("\"source\":\"neighbours\"", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"gateway on {port} did not serve recommendations from its index");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
