using MaaS.Recommendations.Search;

namespace MaaS.Benchmarks.Search;

/// <summary>
/// Where a hybrid search's CPU goes (issue #17): the ranking cores <c>/v1/search</c> runs, over the synthetic
/// <see cref="SearchScaleTest"/> catalogue (<c>--items</c>, default 100,000, IVF lists past 20,000), one query at a time
/// on one thread, each part timed as CPU per query over the test titles: BM25 at the page (10) and at the fusion depth
/// (200), the vector store at both depths, the fusion of two 200-deep lists, and the whole hybrid. Parts interleave
/// within every round. Usage: <c>search-hybrid [--items 100000] [--queries 300] [--rounds 3] [--repeat 3] [--only "semantic @200"]</c>.
/// </summary>
internal static class HybridCost
{
    private const int Dimensions = SearchScaleTest.Dimensions, K = 10, Depth = 200;

    public static int Run(string[] args)
    {
        int items = ConsoleRuns.Option(args, "--items", 100_000);
        int queryCount = ConsoleRuns.Option(args, "--queries", 300);
        int rounds = ConsoleRuns.Option(args, "--rounds", 3);
        int repeat = ConsoleRuns.Option(args, "--repeat", 3);
        int only = Array.IndexOf(args, "--only") is int at and >= 0 && at + 1 < args.Length ? at + 1 : -1;
        var titles = ContentCorpus.ReadTitles(SharedData.Require("content", ContentCorpus.FileName));
        var documents = new string[items];
        var vectors = new float[items * Dimensions];
        for (int i = 0; i < items; i++)
        {
            var (_, title, description) = titles[i % titles.Count];
            documents[i] = $"{title} {i / titles.Count + 1}. {description}";
            SearchScaleTest.Embed(documents[i], vectors.AsSpan(i * Dimensions, Dimensions), noiseSeed: -1);
        }

        var bm25 = Bm25Index.Build(documents);
        var store = Int8VectorStore.Build(vectors, Dimensions);
        var queries = Enumerable.Range(0, titles.Count).Where(i => ContentCorpus.IsTest(titles[i].Id)).Take(queryCount).Select((t, q) =>
        {
            var vector = new float[Dimensions];
            SearchScaleTest.Embed(titles[t].Title + ". " + titles[t].Description, vector, noiseSeed: q);
            return (Text: titles[t].Title, Vector: vector);
        }).ToArray();
        var lexicalLists = queries.Select(q => bm25.Search(q.Text, Depth).Select(h => h.Document).ToArray()).ToArray();
        var semanticLists = queries.Select(q => store.Search(q.Vector, Depth).Select(h => h.Row).ToArray()).ToArray();
        Func<int, bool> acceptAll = _ => true;
        var parts = new (string Name, Func<int, int> Search)[]
        {
            ("lexical @10", q => bm25.Search(queries[q].Text, K).Count),
            ("lexical @200", q => bm25.Search(queries[q].Text, Depth).Count),
            ("semantic @10", q => store.Search(queries[q].Vector, K).Count),
            ("semantic @10, accept filter", q => store.Search(queries[q].Vector, K, acceptAll).Count),
            ("semantic @200", q => store.Search(queries[q].Vector, Depth).Count),
            ("fusion of 200 + 200", q => RankFusion.Reciprocal(lexicalLists[q], semanticLists[q], K).Count),
            ("semantic @200, 10 re-ranked", q => store.Search(queries[q].Vector, Depth, null, store.Probes, K).Count),
            ("hybrid before (200 each, fused)", q => Hybrid(q, reranked: Depth).Count),
            ("hybrid now (10 re-ranked)", q => Hybrid(q, reranked: K).Count),
        };

        List<FusedHit> Hybrid(int q, int reranked) => RankFusion.Reciprocal(
            [.. bm25.Search(queries[q].Text, Depth).Select(h => h.Document)],
            [.. store.Search(queries[q].Vector, Depth, null, store.Probes, reranked).Select(h => h.Row)], K);

        // What the cheaper vector list changes of hybrid's answers: the top 10 (as sets, and in order) against before.
        int sameSet = 0, sameOrder = 0, found = 0;
        for (int q = 0; q < queries.Length; q++)
        {
            var before = Hybrid(q, Depth).Select(h => h.Key).ToArray();
            var now = Hybrid(q, K).Select(h => h.Key).ToArray();
            found += now.Intersect(before).Count();
            sameSet += before.ToHashSet().SetEquals(now) ? 1 : 0;
            sameOrder += before.SequenceEqual(now) ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hybrid now against before over {queries.Length} queries: overlap@10 {found / (queries.Length * (double)K):F4}, same top-10 set {sameSet}, same order {sameOrder}"));
        if (only >= 0)
        {
            // One part alone (a profiler's view of it): the name as printed, e.g. "semantic @200".
            parts = [.. parts.Where(p => p.Name == args[only])];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"search-hybrid: {items:N0} items ({store.Lists} IVF lists, {store.Probes} probed), {queries.Length} queries x {repeat} per part, {rounds} rounds, one thread, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}"));
        foreach (var (_, search) in parts)
        {
            Cpu(search, queries.Length, 1);
        }

        var table = parts.Select(_ => new List<double>()).ToArray();
        for (int round = 1; round <= rounds; round++)
        {
            for (int p = 0; p < parts.Length; p++)
            {
                table[p].Add(Cpu(parts[p].Search, queries.Length, repeat));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {string.Join(", ", parts.Select((part, p) => $"{part.Name} {table[p][^1]:F0}"))} µs CPU/query"));
        }

        Console.WriteLine("| part | CPU µs/query, median (range) |");
        Console.WriteLine("| --- | ---: |");
        for (int p = 0; p < parts.Length; p++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {parts[p].Name} | {ConsoleRuns.Median(table[p]):F0} ({table[p].Min():F0}–{table[p].Max():F0}) |"));
        }

        return 0;
    }

    /// <summary>The process's CPU per query over <paramref name="repeat"/> passes of the queries, one at a time.</summary>
    private static double Cpu(Func<int, int> search, int queries, int repeat)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (int pass = 0; pass < repeat; pass++)
        {
            for (int q = 0; q < queries; q++)
            {
                search(q);
            }
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / (queries * (double)repeat);
    }
}
