using System.Collections.Concurrent;
using System.Numerics.Tensors;
using MaaS.Recommendations.Search;
using MaaS.Services.Search;
using MaaS.Storage.Abstractions;

namespace MaaS.Benchmarks.Search;

/// <summary>
/// Catalogue search at scale, in process (console mode): the ranking cores <c>/v1/search</c> runs (BM25, the int8
/// exact vector store, reciprocal rank fusion over depth 200) over <c>--items</c> synthetic items built from the
/// Netflix titles (item i is title i mod 8,807 with a variant number, its description as text), queried by
/// <c>--concurrency</c> workers for <c>--seconds</c> per mode, modes interleaved for <c>--rounds</c> rounds. Modes:
/// lexical, exact/before (the store's scan before this round, <see cref="Before"/>), exact (every int8 row, fp16
/// re-rank), semantic (what <c>/v1/search</c> runs: IVF lists past
/// <see cref="Int8VectorStore.ExactUpTo"/> rows) and hybrid. Vectors
/// are synthetic too (no encoder could embed 100,000 texts here in minutes): each word a seeded random unit vector,
/// an item the normalised sum of its words', so items sharing words are near, as with a sentence encoder; a query is
/// a test title's vector (show id divisible by 5) with noise. Also prints build times, bytes per item and the
/// recall@10 of int8 and fp16 rows against exact fp32 over <c>--recall-queries</c> queries. The query's own
/// embedding (the transformer, not measured here) and HTTP are not included.
/// <c>--gated 1</c> adds lexical, semantic and hybrid behind a semaphore of one search per core. Usage:
/// <c>search-scale [--items 100000] [--seconds 5] [--concurrency 16] [--rounds 3] [--recall-queries 300] [--gated 0]</c>.
/// </summary>
internal static class SearchScaleTest
{
    internal const int Dimensions = 384;

    private const int K = 10, Depth = 200;

    private static readonly Dictionary<string, float[]> Words = new(StringComparer.Ordinal);

    public static int Run(string[] args)
    {
        int items = ConsoleRuns.Option(args, "--items", 100_000);
        int seconds = ConsoleRuns.Option(args, "--seconds", 5);
        int concurrency = ConsoleRuns.Option(args, "--concurrency", 16);
        int rounds = ConsoleRuns.Option(args, "--rounds", 3);
        int recallQueries = ConsoleRuns.Option(args, "--recall-queries", 300);
        bool gated = ConsoleRuns.Option(args, "--gated", 0) != 0;
        var titles = ContentCorpus.ReadTitles(SharedData.Require("content", ContentCorpus.FileName));
        Console.WriteLine($"MaaS search scale: {items:N0} items from {titles.Count:N0} Netflix titles, {concurrency} workers, {seconds} s per mode, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}");

        var documents = new string[items];
        var vectors = new float[items * Dimensions];
        for (int i = 0; i < items; i++)
        {
            var (_, title, description) = titles[i % titles.Count];
            documents[i] = $"{title} {i / titles.Count + 1}. {description}";
            Embed(documents[i], vectors.AsSpan(i * Dimensions, Dimensions), noiseSeed: -1);
        }

        long before = RetainedBytes();
        var clock = Stopwatch.StartNew();
        var bm25 = Bm25Index.Build(documents);
        double bm25Seconds = clock.Elapsed.TotalSeconds;
        long afterBm25 = RetainedBytes();
        clock.Restart();
        var int8 = Int8VectorStore.Build(vectors, Dimensions);
        double int8Seconds = clock.Elapsed.TotalSeconds;
        long afterInt8 = RetainedBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"build: BM25 {bm25Seconds:F2} s ({(afterBm25 - before) / (double)items:F0} bytes per item), vectors {int8Seconds:F2} s ({int8.Lists} IVF lists, {int8.Probes} probed; {int8.BytesPerRow} bytes per item by layout: int8 {Dimensions + 4}, fp16 re-rank copy {Dimensions * 2}{(int8.Lists > 0 ? ", list position 4" : "")}; measured {(afterInt8 - afterBm25) / (double)items:F0} bytes per item retained, centroids included; fp32 would be {Dimensions * 4})"));

        ItemVectorBytes(vectors, items);

        var tests = Enumerable.Range(0, titles.Count).Where(i => ContentCorpus.IsTest(titles[i].Id)).ToArray();
        var queries = tests.Select((t, q) =>
        {
            var vector = new float[Dimensions];
            Embed(titles[t].Title + ". " + titles[t].Description, vector, noiseSeed: q);
            return (Text: titles[t].Title, Vector: vector);
        }).ToArray();

        Recall(vectors, int8, [.. queries.Take(recallQueries).Select(q => q.Vector)]);
        Recall(vectors, FromFp16(vectors), [.. queries.Take(recallQueries).Select(q => q.Vector)], "store built from the fp16 item vectors (what the service builds)");

        var scanBefore = Before.Build(vectors);
        var modes = new (string Name, Func<int, int> Search)[]
        {
            ("lexical", q => bm25.Search(queries[q].Text, K).Count),
            ("exact/before", q => scanBefore.Search(queries[q].Vector, K)),
            ("exact", q => int8.Search(queries[q].Vector, K, null, probes: 0).Count),
            ("semantic", q => int8.Search(queries[q].Vector, K).Count),
            ("hybrid", q => RankFusion.Reciprocal(
                [.. bm25.Search(queries[q].Text, Depth).Select(h => h.Document)],
                [.. int8.Search(queries[q].Vector, Depth, null, int8.Probes, K).Select(h => h.Row)], K).Count),
        };
        if (gated)
        {
            // The same three modes with at most one search per core running, the rest waiting their turn (timed from
            // before the wait): what a server bounding CPU-bound work would do, against 16 threads time-slicing.
            var gate = new SemaphoreSlim(Environment.ProcessorCount);
            modes = [.. modes, .. modes.Where(m => m.Name is "lexical" or "semantic" or "hybrid").Select(m => (m.Name + "/gated", Gated(m.Search, gate)))];
        }

        foreach (var (_, search) in modes)
        {
            Measure(search, queries.Length, concurrency, 1);
        }

        var table = modes.Select(_ => new List<(double Qps, double P50, double P99)>()).ToArray();
        for (int round = 1; round <= rounds; round++)
        {
            for (int m = 0; m < modes.Length; m++)
            {
                int gen2 = GC.CollectionCount(2);
                var result = Measure(modes[m].Search, queries.Length, concurrency, seconds);
                table[m].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {modes[m].Name,-15} {result.Qps,8:F0} queries/s  p50 {result.P50,7:F2} ms  p99 {result.P99,7:F2} ms  gen2 GCs {GC.CollectionCount(2) - gen2}"));
            }
        }

        bool met = true;
        for (int m = 0; m < modes.Length; m++)
        {
            double p50 = ConsoleRuns.Median(table[m].Select(r => r.P50)), p99 = ConsoleRuns.Median(table[m].Select(r => r.P99));
            bool ok = p50 <= 5 && p99 <= 20;
            met &= ok;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{modes[m].Name,-15} median of rounds: {ConsoleRuns.Median(table[m].Select(r => r.Qps)):F0} queries/s, p50 {p50:F2} ms (spread {table[m].Min(r => r.P50):F2}-{table[m].Max(r => r.P50):F2}), p99 {p99:F2} ms (spread {table[m].Min(r => r.P99):F2}-{table[m].Max(r => r.P99):F2}): goal p50 <= 5 ms, p99 <= 20 ms {(ok ? "met" : "NOT met")}"));
        }

        return met ? 0 : 1;
    }

    /// <summary>
    /// Recall@10 against exact fp32 top-10 by inner product: the store scanning every row (int8, re-ranked with fp16),
    /// the store's IVF lists at its default probes and at half and twice them, plain fp16 rows, and int8 rows without
    /// re-ranking (the store before it re-ranked).
    /// </summary>
    private static void Recall(float[] rows, Int8VectorStore int8, float[][] queries, string store = "store built from fp32")
    {
        int count = rows.Length / Dimensions;
        var half = new Half[rows.Length];
        TensorPrimitives.ConvertToHalf(rows, half);
        var row = new float[Dimensions];
        var exact = new float[count];
        var approx = new float[count];
        var plain = new float[count];
        var quantised = new sbyte[Dimensions];
        int[] probes = [.. new[] { Math.Max(1, int8.Probes / 2), int8.Probes, int8.Probes * 2 }.Where(p => p > 0 && p < int8.Lists).Distinct()];
        long exactFound = 0, halfFound = 0, plainFound = 0;
        var listsFound = new long[probes.Length];
        foreach (var query in queries)
        {
            for (int r = 0; r < count; r++)
            {
                var source = rows.AsSpan(r * Dimensions, Dimensions);
                exact[r] = TensorPrimitives.Dot(query, source);
                TensorPrimitives.ConvertToSingle(half.AsSpan(r * Dimensions, Dimensions), row);
                approx[r] = TensorPrimitives.Dot(query, row);
                // The store's rows before the fp16 re-ranking: int8 with a per-row scale, against the fp32 query.
                float scale = TensorPrimitives.MaxMagnitude(source) / 127f;
                MaaS.Recommendations.Kernels.QuantizeInt8.Run(source, scale == 0 ? 0 : 1 / scale, quantised);
                MaaS.Recommendations.Kernels.DequantizeInt8.Run(quantised, scale, row);
                plain[r] = TensorPrimitives.Dot(query, row);
            }

            var truth = Top(exact).ToHashSet();
            exactFound += int8.Search(query, K, null, probes: 0).Count(h => truth.Contains(h.Row));
            for (int p = 0; p < probes.Length; p++)
            {
                listsFound[p] += int8.Search(query, K, null, probes[p]).Count(h => truth.Contains(h.Row));
            }

            halfFound += Top(approx).Count(truth.Contains);
            plainFound += Top(plain).Count(truth.Contains);
        }

        double n = queries.Length * (double)K;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recall@10 against exact fp32 over {queries.Length} queries (goal >= 0.99), {store}: int8 scan + fp16 re-rank {exactFound / n:F4}, {string.Join(", ", probes.Select((p, i) => $"IVF {p}/{int8.Lists} lists + re-rank {listsFound[i] / n:F4}"))}, fp16 rows {halfFound / n:F4}, int8 rows alone (before) {plainFound / n:F4}"));

        static IEnumerable<int> Top(float[] scores) => Enumerable.Range(0, scores.Length).OrderByDescending(r => scores[r]).ThenBy(r => r).Take(K);
    }

    /// <summary>The store as the search service builds it: from the item vectors it keeps in fp16, widened to fp32.</summary>
    private static Int8VectorStore FromFp16(float[] rows)
    {
        var half = new Half[rows.Length];
        TensorPrimitives.ConvertToHalf(rows, half);
        var widened = new float[rows.Length];
        TensorPrimitives.ConvertToSingle(half, widened);
        return Int8VectorStore.Build(widened, Dimensions);
    }

    /// <summary>
    /// The retained heap of what <c>ItemEmbeddings</c> keeps per item beside the store (an <see cref="ItemVector"/> in a
    /// concurrent dictionary by item id: text hash, model, version and the vector), with the vector in fp16 as it is
    /// kept now and in fp32 as it was (<see cref="Fp32ItemVector"/>); the item ids are the catalogue's and not counted.
    /// </summary>
    private static void ItemVectorBytes(float[] rows, int items)
    {
        string[] ids = [.. Enumerable.Range(0, items).Select(i => $"s{i:D6}")];
        const string Model = "all-minilm-l6-v2";
        long before = RetainedBytes();
        var halves = new ConcurrentDictionary<string, ItemVector>(StringComparer.Ordinal);
        for (int i = 0; i < items; i++)
        {
            halves[ids[i]] = new ItemVector(null, ItemVector.HashOf(ids[i]), Model, 1, ItemVector.Fp16(rows.AsSpan(i * Dimensions, Dimensions)));
        }

        long afterHalves = RetainedBytes();
        var singles = new ConcurrentDictionary<string, Fp32ItemVector>(StringComparer.Ordinal);
        for (int i = 0; i < items; i++)
        {
            singles[ids[i]] = new Fp32ItemVector(null, ItemVector.HashOf(ids[i]), Model, 1, rows.AsSpan(i * Dimensions, Dimensions).ToArray());
        }

        long afterSingles = RetainedBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"item vectors kept beside the store (measured retained heap per item): fp16 {(afterHalves - before) / (double)items:F0} bytes, fp32 (before) {(afterSingles - afterHalves) / (double)items:F0} bytes"));
        GC.KeepAlive(halves);
        GC.KeepAlive(singles);
        GC.KeepAlive(ids);
    }

    /// <summary><see cref="ItemVector"/> as it was before it kept fp16: the same fields, the vector in fp32.</summary>
    private sealed record Fp32ItemVector(CatalogItem? Item, string TextHash, string Model, long Version, float[] Vector);

    /// <summary>
    /// The store's scan before this round, kept here to compare with in the same run: every block of 64 rows
    /// dequantised to float into a fresh 96 KB scratch array (above 85,000 bytes: the large object heap, once per
    /// query), then <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row and a
    /// <see cref="PriorityQueue{TElement, TPriority}"/> of the top k.
    /// </summary>
    private sealed class Before(sbyte[] values, float[] scales)
    {
        private const int BlockRows = 64;

        public static Before Build(float[] rows)
        {
            var values = new sbyte[rows.Length];
            var scales = new float[rows.Length / Dimensions];
            for (int r = 0; r < scales.Length; r++)
            {
                var row = rows.AsSpan(r * Dimensions, Dimensions);
                scales[r] = TensorPrimitives.MaxMagnitude(row) / 127f;
                MaaS.Recommendations.Kernels.QuantizeInt8.Run(row, scales[r] == 0 ? 0 : 1 / scales[r], values.AsSpan(r * Dimensions, Dimensions));
            }

            return new Before(values, scales);
        }

        public int Search(float[] query, int count)
        {
            var best = new PriorityQueue<int, float>(count + 1);
            var scratch = new float[BlockRows * Dimensions];
            for (int start = 0; start < scales.Length; start += BlockRows)
            {
                int rows = Math.Min(BlockRows, scales.Length - start);
                MaaS.Recommendations.Kernels.DequantizeInt8.Run(values.AsSpan(start * Dimensions, rows * Dimensions), 1f, scratch.AsSpan(0, rows * Dimensions));
                for (int i = 0; i < rows; i++)
                {
                    float score = scales[start + i] * TensorPrimitives.Dot(query, scratch.AsSpan(i * Dimensions, Dimensions));
                    if (best.Count < count)
                    {
                        best.Enqueue(start + i, score);
                    }
                    else if (best.TryPeek(out _, out float worst) && score > worst)
                    {
                        best.EnqueueDequeue(start + i, score);
                    }
                }
            }

            return best.Count;
        }
    }

    private static Func<int, int> Gated(Func<int, int> search, SemaphoreSlim gate) => q =>
    {
        gate.Wait();
        try
        {
            return search(q);
        }
        finally
        {
            gate.Release();
        }
    };

    private static (double Qps, double P50, double P99) Measure(Func<int, int> search, int queries, int concurrency, int seconds)
    {
        var latencies = new List<double>[concurrency];
        var stop = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        // Threads of their own, all started at once: thread-pool workers would join one by one as the pool grows.
        var workers = Enumerable.Range(0, concurrency).Select(w => new Thread(() =>
        {
            var mine = latencies[w] = [];
            int q = w;
            while (stop.Elapsed < limit)
            {
                long start = Stopwatch.GetTimestamp();
                search(q % queries);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                q += concurrency;
            }
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        double elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed, all[all.Length / 2], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]);
    }

    /// <summary>The normalised sum of the words' seeded unit vectors, plus noise when <paramref name="noiseSeed"/> is not negative.</summary>
    internal static void Embed(string text, Span<float> into, int noiseSeed)
    {
        into.Clear();
        foreach (var token in SearchTokens.Of(text))
        {
            if (!Words.TryGetValue(token, out var word))
            {
                var random = new Random(StableHash(token));
                Words[token] = word = [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
            }

            TensorPrimitives.Add(into, word, into);
        }

        if (noiseSeed >= 0)
        {
            var random = new Random(noiseSeed);
            float norm = TensorPrimitives.Norm(into);
            for (int d = 0; d < Dimensions; d++)
            {
                into[d] += norm * 0.02f * (float)(random.NextDouble() * 2 - 1);
            }
        }

        float length = TensorPrimitives.Norm(into);
        if (length > 0)
        {
            TensorPrimitives.Divide(into, length, into);
        }
    }

    private static int StableHash(string token)
    {
        uint hash = 2166136261;
        foreach (char c in token)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash & 0x7fffffff);
    }

    private static long RetainedBytes()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
