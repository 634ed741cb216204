using MaaS.TestSupport.Hosting;
using System.Net;
using System.Net.Http.Headers;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// Noisy-neighbour load run against a running gateway (console mode; <c>load/admission.sh</c> starts the gateway and
/// calls it). A light client sends /v1/ping and a one-text /v1/sentiment at fixed rates (open loop: each latency runs
/// from the request's scheduled time, so a stalled server is not hidden by a client that waits for it), through phases
/// that alternate quiet (light client alone) and loaded (a heavy client keeps N connections posting maximum-size
/// /v1/sentiment batches: 256 texts of 20,000 characters, 5 MB; it honours Retry-After, so it stays at its limits).
/// The two clients connect from different loopback addresses (127.0.0.1 and 127.0.0.2), so with auth off they are two
/// client addresses. Prints each phase and the ratio loaded p99 / quiet p99 per round.
/// Usage: <c>admission --url http://127.0.0.1:18093 [--heavy-key K] [--light-key K] [--connections 8] [--seconds 10]
/// [--rounds 3] [--ping-rate 100] [--sentiment-rate 20] [--label text]</c>.
/// </summary>
internal static class AdmissionLoadTest
{
    private static readonly IPAddress HeavyFrom = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress LightFrom = IPAddress.Parse("127.0.0.2");
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Failures = new();

    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Text(args, "--url") ?? "http://127.0.0.1:18093");
        string? heavyKey = Text(args, "--heavy-key"), lightKey = Text(args, "--light-key");
        int connections = Number(args, "--connections", 8);
        int seconds = Number(args, "--seconds", 10);
        int rounds = Number(args, "--rounds", 3);
        int pingRate = Number(args, "--ping-rate", 100);
        int sentimentRate = Number(args, "--sentiment-rate", 20);
        string label = Text(args, "--label") ?? (heavyKey is null ? "auth off" : "auth on");

        using var light = Client(url, LightFrom, lightKey, 32);
        using var heavy = Client(url, HeavyFrom, heavyKey, connections);
        byte[] heavyBody = HeavyBody();
        byte[] smallBody = Encoding.UTF8.GetBytes("""{"texts":["a gorgeous, moving and funny film ."]}""");
        Console.WriteLine($"admission load ({label}): heavy client {connections} connections of 256 x 20,000-character /v1/sentiment " +
            $"({heavyBody.Length / 1e6:0.0} MB each) from {HeavyFrom}; light client /v1/ping {pingRate}/s + one-text /v1/sentiment {sentimentRate}/s " +
            $"from {LightFrom}; {rounds} rounds of quiet and loaded phases of {seconds} s; {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");

        // Warm-up: JIT tiering, connection pools, the model's first batches (heavy included).
        await PhaseAsync(light, heavy, heavyBody, smallBody, connections, 3, pingRate, sentimentRate, loaded: true);
        var results = new List<(Phase Quiet, Phase Loaded)>();
        for (int round = 1; round <= rounds; round++)
        {
            var quiet = await PhaseAsync(light, heavy, heavyBody, smallBody, connections, seconds, pingRate, sentimentRate, loaded: false);
            var loaded = await PhaseAsync(light, heavy, heavyBody, smallBody, connections, seconds, pingRate, sentimentRate, loaded: true);
            results.Add((quiet, loaded));
            Console.WriteLine($"round {round}: quiet  {quiet}");
            Console.WriteLine($"round {round}: loaded {loaded}");
        }

        Console.WriteLine();
        Console.WriteLine("| run | round | ping p50 quiet / loaded | ping p99 quiet / loaded | ping p99 ratio | one-text sentiment p99 quiet / loaded | sentiment p99 ratio | heavy answers while loaded |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var (r, i) in results.Select((r, i) => (r, i + 1)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {i} | {r.Quiet.Ping.P50:0.00} / {r.Loaded.Ping.P50:0.00} ms | {r.Quiet.Ping.P99:0.00} / {r.Loaded.Ping.P99:0.00} ms | {r.Loaded.Ping.P99 / r.Quiet.Ping.P99:0.00} | " +
                $"{r.Quiet.Sentiment.P99:0.00} / {r.Loaded.Sentiment.P99:0.00} ms | {r.Loaded.Sentiment.P99 / r.Quiet.Sentiment.P99:0.00} | {r.Loaded.HeavyStatuses} |"));
        }

        double[] pingRatios = [.. results.Select(r => r.Loaded.Ping.P99 / r.Quiet.Ping.P99).Order()];
        double[] sentimentRatios = [.. results.Select(r => r.Loaded.Sentiment.P99 / r.Quiet.Sentiment.P99).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n{label}: ping p99 loaded/quiet median {Median(pingRatios):0.00} (range {pingRatios[0]:0.00}-{pingRatios[^1]:0.00}); " +
            $"one-text sentiment median {Median(sentimentRatios):0.00} (range {sentimentRatios[0]:0.00}-{sentimentRatios[^1]:0.00}); target ping <= 3"));
        int lightErrors = results.Sum(r => r.Quiet.Ping.Errors + r.Quiet.Sentiment.Errors + r.Loaded.Ping.Errors + r.Loaded.Sentiment.Errors);
        if (lightErrors > 0)
        {
            Console.Error.WriteLine($"{lightErrors} light requests failed: the figures above are not valid. First: {string.Join(" | ", Failures.Take(5))}");
            return 1;
        }

        return Median(pingRatios) <= 3 ? 0 : 2;
    }

    private static async Task<Phase> PhaseAsync(
        HttpClient light, HttpClient heavy, byte[] heavyBody, byte[] smallBody, int connections, int seconds, int pingRate, int sentimentRate, bool loaded)
    {
        using var stopHeavy = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var heavyTasks = loaded
            ? Enumerable.Range(0, connections).Select(_ => Task.Run(() => HeavyLoopAsync(heavy, heavyBody, statuses, stopHeavy.Token))).ToArray()
            : [];
        if (loaded)
        {
            // Let the heavy client reach its steady state (the server's queue full, its budget spent) before measuring.
            await Task.Delay(TimeSpan.FromSeconds(2));
            statuses.Clear();
        }

        var ping = OpenLoopAsync(light, HttpMethod.Get, "/v1/ping", null, pingRate, seconds);
        var sentiment = OpenLoopAsync(light, HttpMethod.Post, "/v1/sentiment", smallBody, sentimentRate, seconds);
        var phase = new Phase(await ping, await sentiment, string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} x {s.Key}")));
        await stopHeavy.CancelAsync();
        await Task.WhenAll(heavyTasks);
        return phase;
    }

    private static async Task HeavyLoopAsync(HttpClient heavy, byte[] body, System.Collections.Concurrent.ConcurrentDictionary<int, int> statuses, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await heavy.PostAsync("/v1/sentiment", content, stop);
                await response.Content.ReadAsByteArrayAsync(stop);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A connection closed after a refusal (its body unread): counted, and the loop goes on.
                statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
            }
        }
    }

    /// <summary>Requests at a fixed rate for <paramref name="seconds"/>; each latency from the request's scheduled start.</summary>
    private static async Task<Latencies> OpenLoopAsync(HttpClient client, HttpMethod method, string path, byte[]? body, int rate, int seconds)
    {
        int total = rate * seconds;
        long start = Stopwatch.GetTimestamp();
        var tasks = new Task<double>[total];
        for (int i = 0; i < total; i++)
        {
            long due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            tasks[i] = OneAsync(client, method, path, body, due);
        }

        double[] all = await Task.WhenAll(tasks);
        double[] ok = [.. all.Where(ms => ms >= 0).Order()];
        return new Latencies(Percentile(ok, 0.50), Percentile(ok, 0.99), ok.Length, all.Length - ok.Length);
    }

    private static async Task<double> OneAsync(HttpClient client, HttpMethod method, string path, byte[]? body, long due)
    {
        // Timers may wake up to a millisecond early: a request sent before its time is timed from when it was sent.
        due = Math.Min(due, Stopwatch.GetTimestamp());
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            using var response = await client.SendAsync(request);
            string answer = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            }

            Failures.Enqueue($"{method} {path}: {(int)response.StatusCode} {answer}");
            return -1;
        }
        catch (HttpRequestException e)
        {
            Failures.Enqueue($"{method} {path}: {e.Message} {e.InnerException?.Message}");
            return -1;
        }
    }

    private static byte[] HeavyBody()
    {
        string[] words = ["the", "film", "is", "a", "gorgeous", "mess", "honestly", "tedious", "moving", "script", "never", "quite", "works", "cast", "delight"];
        var random = new Random(15);
        var texts = new string[256];
        var text = new StringBuilder(20_000);
        for (int t = 0; t < texts.Length; t++)
        {
            text.Clear();
            while (true)
            {
                string word = words[random.Next(words.Length)];
                if (text.Length + word.Length + 1 > 20_000)
                {
                    break;
                }

                text.Append(word).Append(' ');
            }

            texts[t] = text.ToString();
        }

        return JsonSerializer.SerializeToUtf8Bytes(new { texts });
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (any 127.x address is loopback on Linux).</summary>
    private static HttpClient Client(Uri url, IPAddress source, string? key, int connections)
    {
        var handler = RawHttp.HandlerFrom(source);
        handler.MaxConnectionsPerServer = connections;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static int Number(string[] args, string name, int fallback) =>
        Text(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed record Latencies(double P50, double P99, int Count, int Errors)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50:0.00} ms, p99 {P99:0.00} ms ({Count} ok, {Errors} failed)");
    }

    private sealed record Phase(Latencies Ping, Latencies Sentiment, string HeavyStatuses)
    {
        public override string ToString() => $"ping {Ping}; sentiment {Sentiment}; heavy {(HeavyStatuses.Length == 0 ? "-" : HeavyStatuses)}";
    }
}
