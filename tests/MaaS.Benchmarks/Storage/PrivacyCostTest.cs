using MaaS.Storage.Abstractions;
using MaaS.Storage.Privacy;
using MaaS.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// The cost of pseudonymous users and of field encryption on the SQLite store (console mode): three modes, each on a
/// fresh file per round, interleaved A, B, C, A, B, C… so drift in machine load hits all alike. Per round: ingestion
/// of <c>--batches</c> batches of 500 new events (one caller, synchronous=FULL, an ml-100k-like spread: 1,000 users,
/// 1,700 items, every batch's events from random users), then <c>--reads</c> reads of what recommend asks the store
/// for on a history-cache miss (the user's latest 200 events, and the user's distinct items when the window is full),
/// timed one by one. Modes: raw ids (the baseline before privacy, reachable only from here), pseudonyms (the default),
/// pseudonyms + AES-256-GCM sealed fields, and the same with the event id kept in clear as the row's key (to isolate
/// what the hashed event key's random inserts into the unique index cost). Usage: <c>privacy [--rounds 3] [--batches 200] [--reads 3000]</c>.
/// </summary>
internal static class PrivacyCostTest
{
    private const int Users = 1_000, Items = 1_700, BatchSize = 500, HistoryLimit = 200;

    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = ConsoleRuns.Option(args, "--rounds", 3);
        int batches = ConsoleRuns.Option(args, "--batches", 200);
        int reads = ConsoleRuns.Option(args, "--reads", 3_000);
        Console.WriteLine($"MaaS privacy cost: {rounds} rounds x 4 modes, {batches * BatchSize:N0} events and {reads:N0} history reads each, {Environment.ProcessorCount} cores");
        var userKey = new byte[32];
        var encryptionKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var modes = new (string Name, Func<PrivacyCodec> Codec)[]
        {
            ("raw user ids (before privacy)", () => new PrivacyCodec(userKey, [], null, pseudonymise: false)),
            ("pseudonymous users (default)", () => new PrivacyCodec(userKey, [], null)),
            ("pseudonymous + AES-GCM fields", () => new PrivacyCodec(userKey, new() { ["k1"] = encryptionKey }, "k1")),
            ("pseudonymous + AES-GCM fields, event id key in clear (isolation only)", () => new PrivacyCodec(userKey, new() { ["k1"] = encryptionKey }, "k1", hashEventIds: false)),
        };
        var results = modes.Select(_ => new List<(double EventsPerSecond, double P50, double P99)>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                results[m].Add(await RunModeAsync(modes[m].Codec(), batches, reads, seed: round));
                var r = results[m][^1];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {modes[m].Name}: {r.EventsPerSecond:N0} events/s, read p50 {r.P50:0.000} ms, p99 {r.P99:0.000} ms"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| mode | ingestion events/s (median of rounds) | history read p50 ms | p99 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var m = 0; m < modes.Length; m++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {modes[m].Name} | {ConsoleRuns.Median(results[m].Select(r => r.EventsPerSecond)):N0} | {ConsoleRuns.Median(results[m].Select(r => r.P50)):0.000} | {ConsoleRuns.Median(results[m].Select(r => r.P99)):0.000} |"));
        }
        return 0;
    }

    private static async Task<(double, double, double)> RunModeAsync(PrivacyCodec codec, int batches, int reads, int seed)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "maas-privacy-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var opened = await SqliteStorage.OpenAsync(
                new SqliteStorageOptions { Path = Path.Combine(folder, "bench.db"), Durability = SqliteDurability.Full }, codec, NullLogger.Instance);
            await using var storage = opened.IsSuccess ? opened.Value : throw new InvalidOperationException(opened.Error.Message);
            var random = new Random(seed);
            var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var batch = new InteractionEvent[BatchSize];
            long next = 0;
            var clock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                for (var i = 0; i < BatchSize; i++, next++)
                {
                    batch[i] = new InteractionEvent($"ev-{next:D9}", $"user-{random.Next(Users)}", $"item-{random.Next(Items)}",
                        next % 3 == 0 ? "rate" : "play", 1 + next % 5, t0.AddSeconds(next));
                }
                var appended = await storage.Events.AppendAsync("bench", batch);
                if (!appended.IsSuccess)
                {
                    throw new InvalidOperationException(appended.Error.Message);
                }
            }
            double eventsPerSecond = batches * BatchSize / clock.Elapsed.TotalSeconds;

            var latencies = new double[reads];
            for (var r = 0; r < reads; r++)
            {
                var user = $"user-{random.Next(Users)}";
                long start = Stopwatch.GetTimestamp();
                var history = await storage.Events.GetUserHistoryAsync("bench", user, HistoryLimit);
                if (history.Value.Count >= HistoryLimit)
                {
                    _ = await storage.Events.GetUserItemsAsync("bench", user);
                }
                latencies[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(latencies);
            return (eventsPerSecond, latencies[reads / 2], latencies[(int)(reads * 0.99)]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
