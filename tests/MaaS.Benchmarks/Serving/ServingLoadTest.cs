using System.Net;
using System.Net.Sockets;
using MaaS.Models.Examples;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// HTTP load test of the gateway (console mode, not BenchmarkDotNet: it measures a running server under concurrency).
/// Starts the real gateway twice in this process on loopback ports, once with dynamic batching and once without, drives
/// each with N concurrent clients posting one-row V2 infer requests to example-mlp for a fixed time, and measures the raw
/// in-process <c>InferenceSession.Run</c> throughput of the same model file in the same run, at batch 1 and at the
/// request batch (<c>--rows</c>, rows per request), with as many concurrent callers as cores, like the gateway.
/// Usage: <c>serving [--clients 64] [--seconds 10] [--warmup 2] [--rounds 2] [--rows 32] [--hidden 16]</c>
/// (<c>--hidden</c>: serve example-mlp rebuilt with other hidden widths instead of the shipped file). Auth is off and the
/// work budget lifted (the limits of the per-key rate limiter and the tenant's quota are not what this measures); any
/// failed request fails the run.
/// </summary>
internal static class ServingLoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        int clients = Option(args, "--clients", 64);
        int seconds = Option(args, "--seconds", 10);
        int warmup = Option(args, "--warmup", 2);
        int rounds = Option(args, "--rounds", 2);
        int rows = Option(args, "--rows", 32);
        string? hidden = TextOption(args, "--hidden");
        string models = hidden is null ? Path.Combine(SharedData.RepositoryRoot, "models") : WriteVariant(hidden);
        string modelFile = Path.Combine(models, ExampleMlp.Name, "1", "model.onnx");
        string widths = hidden ?? string.Join(",", ExampleMlp.HiddenSizes);
        Console.WriteLine($"MaaS serving load test: {clients} clients, {rounds} rounds of {seconds} s per mode (+{warmup} s warm-up each), {Environment.ProcessorCount} cores, model {ExampleMlp.Name} (hidden {widths}), 1 and {rows} rows per request");

        int batchingPort = FreePort(), directPort = FreePort();
        InProcessGateway.Start(batchingPort, models, batching: true, "serving", InProcessGateway.UnboundedBudget);
        InProcessGateway.Start(directPort, models, batching: false, "serving", InProcessGateway.UnboundedBudget);
        await InProcessGateway.WaitReadyAsync(batchingPort);
        await InProcessGateway.WaitReadyAsync(directPort);

        // One untimed pass of every mode first: JIT tiering and connection pools, so round 1 is not a cold start.
        await LoadAsync(batchingPort, clients, warmup, warmup, rows: 1);
        await LoadAsync(directPort, clients, warmup, warmup, rows: 1);
        await LoadAsync(directPort, clients, warmup, warmup, rows);

        // Modes alternate (on, off, batch-N, on, off, batch-N...) so drift in machine load hits all alike.
        var batchedRounds = new List<LoadResult>();
        var directRounds = new List<LoadResult>();
        var wideRounds = new List<LoadResult>();
        for (int round = 0; round < rounds; round++)
        {
            batchedRounds.Add(await LoadAsync(batchingPort, clients, seconds, warmup, rows: 1));
            directRounds.Add(await LoadAsync(directPort, clients, seconds, warmup, rows: 1));
            wideRounds.Add(await LoadAsync(directPort, clients, seconds, warmup, rows));
            Console.WriteLine($"round {round + 1}: 1 row, batching on {batchedRounds[^1].Throughput:N0} req/s, off {directRounds[^1].Throughput:N0} req/s; {rows} rows {wideRounds[^1].Throughput * rows:N0} rows/s");
        }

        var batched = LoadResult.Combine(batchedRounds, seconds);
        var direct = LoadResult.Combine(directRounds, seconds);
        var wide = LoadResult.Combine(wideRounds, seconds);
        int callers = Environment.ProcessorCount;
        double raw1 = RawRowsPerSecond(modelFile, rows: 1, callers, seconds: Math.Max(2, seconds / 2));
        double rawWide = RawRowsPerSecond(modelFile, rows, callers, seconds: Math.Max(2, seconds / 2));
        var batchStats = await BatchSizeAsync(batchingPort);

        Console.WriteLine();
        Console.WriteLine("| mode | requests/s | rows/s | p50 ms | p99 ms | errors | mean rows per session run |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(Row("HTTP V2, 1 row per request, dynamic batching on", batched, 1, batchStats));
        Console.WriteLine(Row("HTTP V2, 1 row per request, dynamic batching off", direct, 1, 1));
        Console.WriteLine(Row($"HTTP V2, {rows} rows per request", wide, rows, rows));
        Console.WriteLine($"| raw session.Run, batch 1, {callers} callers | {raw1:N0} | {raw1:N0} | | | | 1 |");
        Console.WriteLine($"| raw session.Run, batch {rows}, {callers} callers | {rawWide / rows:N0} | {rawWide:N0} | | | | {rows} |");
        Console.WriteLine();
        Console.WriteLine($"batching on / off throughput (1 row): {batched.Throughput / direct.Throughput:0.00}x; p99 on / off: {batched.P99 / direct.P99:0.00}x");
        Console.WriteLine($"HTTP / raw session.Run rows/s: batch 1 with batching on {batched.Throughput / raw1:0.000}, off {direct.Throughput / raw1:0.000}; batch {rows} {wide.Throughput * rows / rawWide:0.000}");
        int failures = batched.Errors + direct.Errors + wide.Errors;
        if (failures > 0 || batched.Throughput == 0 || direct.Throughput == 0 || wide.Throughput == 0)
        {
            Console.Error.WriteLine($"{failures} requests failed (first status: {FirstFailure}): the figures above are not valid.");
            Environment.Exit(1);
        }

        Environment.Exit(0);
        return 0;
    }

    private static string? FirstFailure;

    private static string Row(string mode, LoadResult r, int rows, double meanBatch) =>
        $"| {mode} | {r.Throughput:N0} | {r.Throughput * rows:N0} | {r.P50:0.00} | {r.P99:0.00} | {r.Errors} | {meanBatch:0.0} |";

    private static async Task<LoadResult> LoadAsync(int port, int clients, int seconds, int warmup, int rows)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        var bodies = Enumerable.Range(0, clients).Select(c => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "input", shape = new[] { rows, 8 }, datatype = "FP32", data = Enumerable.Range(0, rows * 8).Select(i => MathF.Sin(c + i)).ToArray() } },
        }))).ToArray();
        long measureFrom = Stopwatch.GetTimestamp() + (long)(warmup * Stopwatch.Frequency);
        long stopAt = measureFrom + (long)(seconds * Stopwatch.Frequency);
        var latencies = new List<double>[clients];
        int errors = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = new List<double>(1 << 14);
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                if (start >= stopAt)
                {
                    break;
                }

                using var content = new ByteArrayContent(bodies[c]);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync($"/v2/models/{ExampleMlp.Name}/infer", content);
                await response.Content.ReadAsByteArrayAsync();
                long end = Stopwatch.GetTimestamp();
                if (start < measureFrom)
                {
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // The answer's detail says which limit refused it (budget, in-flight cap, bytes), not only its status.
                    FirstFailure ??= $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    Interlocked.Increment(ref errors);
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(l => l).ToArray();
        return LoadResult.From(all, seconds, errors);
    }

    private static async Task<double> BatchSizeAsync(int port)
    {
        using var client = new HttpClient();
        using var stats = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{port}/v2/models/{ExampleMlp.Name}/stats"));
        var model = stats.RootElement.GetProperty("model_stats")[0];
        return model.GetProperty("inference_count").GetDouble() / Math.Max(1, model.GetProperty("execution_count").GetDouble());
    }

    /// <summary>Rows per second of <paramref name="callers"/> threads calling Run on one shared session (as the gateway does).</summary>
    private static double RawRowsPerSecond(string modelFile, int rows, int callers, int seconds)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelFile, options);
        string[] inputNames = [ExampleMlp.Input];
        string[] outputNames = [ExampleMlp.Logits, ExampleMlp.Probabilities];
        long runs = 0;
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (long)(seconds * Stopwatch.Frequency);
        var threads = Enumerable.Range(0, callers).Select(_ => new Thread(() =>
        {
            float[] x = [.. Enumerable.Range(0, rows * 8).Select(i => MathF.Sin(i))];
            using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, 8]);
            using var runOptions = new RunOptions();
            OrtValue[] inputs = [input];
            for (int i = 0; i < 1000; i++)
            {
                using var warm = session.Run(runOptions, inputNames, inputs, outputNames);
            }

            long mine = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                for (int i = 0; i < 100; i++)
                {
                    using var results = session.Run(runOptions, inputNames, inputs, outputNames);
                }

                mine += 100;
            }

            Interlocked.Add(ref runs, mine);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return runs * rows / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback) =>
        TextOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? TextOption(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>
    /// <c>--hidden 16</c> (or <c>256,256</c>): a temp repository holding only example-mlp rebuilt with those hidden
    /// widths, to measure how the gateway/raw ratio moves with the model's compute per row.
    /// </summary>
    private static string WriteVariant(string hidden)
    {
        int[] sizes = [.. hidden.Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))];
        string root = Directory.CreateTempSubdirectory("maas-serving-models-").FullName;
        ExampleMlp.WriteTo(root, hiddenSizes: sizes);
        return root;
    }

    private sealed record LoadResult(double Throughput, double P50, double P99, int Errors, double[] Latencies)
    {
        public static LoadResult From(double[] latencies, int seconds, int errors)
        {
            var sorted = latencies.Order().ToArray();
            return new LoadResult(sorted.Length / (double)seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99), errors, sorted);
        }

        public static LoadResult Combine(IReadOnlyList<LoadResult> rounds, int seconds) =>
            From([.. rounds.SelectMany(r => r.Latencies)], seconds * rounds.Count, rounds.Sum(r => r.Errors));
    }
}
