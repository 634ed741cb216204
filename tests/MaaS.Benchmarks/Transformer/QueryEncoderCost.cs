using System.Numerics.Tensors;
using MaaS.Models.Onnx.Quantization;

namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// What one search query's embedding costs (issue #17: semantic search is the query encoder's CPU): the served
/// all-minilm-l6-v2 on the test titles the search load sends, each variant loaded as the registry loads it, in one
/// process, variants interleaved in every round. Variants: the process-wide intra-op pool (the default), a pool of
/// the model's own with 1 or 2 threads (model.json <c>intraOpThreads</c>), and the int8 variant (the market's
/// quantise action) with its own 1-thread pool. Each is measured as 1 caller running queries one at a time, as
/// <c>--callers</c> callers at once (one query per run each, as with dynamic batching off), and as runs of 16 queries
/// (what the dynamic batcher merges at 16 connections); CPU per query is the process's CPU time over the queries.
/// Then the graph ONNX Runtime runs (the fused operators of the optimised graph per optimisation level, and the
/// encoder's CPU per query at each level and with pre-packing off), and, with <c>--recall-items</c>, recall@10 of
/// int8 search results (int8 query over int8 items) against fp32's over that many Netflix descriptions.
/// Usage: <c>transformer-query [--queries 400] [--rounds 3] [--callers 16] [--recall-items 0] [--graph 1]</c>.
/// </summary>
internal static class QueryEncoderCost
{
    private const int Batch = 16;

    public static async Task<int> RunAsync(string[] args)
    {
        int count = TransformerData.Option(args, "--queries", 400);
        int rounds = TransformerData.Option(args, "--rounds", 3);
        int callers = TransformerData.Option(args, "--callers", 16);
        int recallItems = TransformerData.Option(args, "--recall-items", 0);
        bool graph = TransformerData.Option(args, "--graph", 1) != 0;
        string data = SharedData.Root ?? throw new InvalidOperationException("../shared/data is missing");
        var titles = ContentCorpus.ReadTitles(Path.Combine(data, "content"));
        string[] queries = [.. titles.Where(t => ContentCorpus.IsTest(t.Id)).Select(t => t.Title).Take(count)];
        string source = TransformerData.ModelDirectory;
        string fp32Path = Path.Combine(source, "1", "model.onnx");
        string int8Directory = await WriteInt8Async(source);
        string int8Path = Path.Combine(int8Directory, "1", "model.onnx");

        // The first load creates ORT's environment with the process-wide pools, as the gateway's registry does.
        var variants = new List<(string Name, SentenceEmbeddingModel Model)>
        {
            ("fp32, shared pool", await TransformerData.LoadAsync(source, 1)),
            ("fp32, own pool 1", await TransformerData.LoadAsync(source, 1, intraOpThreads: 1)),
            ("fp32, own pool 2", await TransformerData.LoadAsync(source, 1, intraOpThreads: 2)),
            ("int8, shared pool", await TransformerData.LoadAsync(int8Directory, 1)),
            ("int8, own pool 1", await TransformerData.LoadAsync(int8Directory, 1, intraOpThreads: 1)),
        };
        var tokens = queries.Select(q => variants[0].Model.Tokenizer.Encode(q, 256).Ids.Length).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"query encoder cost: {queries.Length} test titles (word pieces p50 {tokens[tokens.Length / 2]}, p90 {tokens[tokens.Length * 9 / 10]}, max {tokens[^1]}), {rounds} rounds, {callers} callers, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}"));
        foreach (var (_, model) in variants)
        {
            TransformerData.Embed(model, queries[..32], 1);
            TransformerData.Embed(model, queries[..32], Batch);
        }

        var figures = variants.ToDictionary(v => v.Name, _ => new List<Figures>());
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (name, model) in variants)
            {
                var serial = Measure(() => TransformerData.Embed(model, queries, 1), queries.Length);
                var concurrent = Measure(() => Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, caller =>
                    TransformerData.Embed(model, [.. queries.Where((_, i) => i % callers == caller)], 1)), queries.Length);
                var batched = Measure(() => TransformerData.Embed(model, queries, Batch), queries.Length);
                figures[name].Add(new Figures(serial, concurrent, batched));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round} {name,-18} 1 caller {serial.CpuMicroseconds,6:F0} µs CPU/query {serial.WallMicroseconds,6:F0} µs wall; {callers} callers {concurrent.CpuMicroseconds,6:F0} µs CPU/query {concurrent.PerSecond,6:F0} q/s; runs of {Batch} {batched.CpuMicroseconds,6:F0} µs CPU/query {batched.PerSecond,6:F0} q/s"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| variant | 1 caller: CPU µs/query | wall µs/query | {callers} callers: CPU µs/query | queries/s | runs of {Batch}: CPU µs/query | queries/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, _) in variants)
        {
            var f = figures[name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Spread(f.Select(x => x.Serial.CpuMicroseconds))} | {Spread(f.Select(x => x.Serial.WallMicroseconds))} | {Spread(f.Select(x => x.Concurrent.CpuMicroseconds))} | {Spread(f.Select(x => x.Concurrent.PerSecond))} | {Spread(f.Select(x => x.Batched.CpuMicroseconds))} | {Spread(f.Select(x => x.Batched.PerSecond))} |"));
        }

        Console.WriteLine("(median of the rounds, range in brackets)");
        if (graph)
        {
            Graphs(fp32Path, int8Path, variants[0].Model, queries, rounds);
        }

        if (recallItems > 0)
        {
            Recall(variants[1].Model, variants[4].Model, titles.Select(t => t.Description).Take(recallItems).ToArray(), queries);
        }

        foreach (var (_, model) in variants)
        {
            model.Dispose();
        }

        return 0;
    }

    private static async Task<string> WriteInt8Async(string source)
    {
        var quantized = OnnxQuantizer.Quantize(await File.ReadAllBytesAsync(Path.Combine(source, "1", "model.onnx")));
        if (!quantized.IsSuccess)
        {
            throw new InvalidOperationException(quantized.Error!.Message);
        }

        string output = Directory.CreateTempSubdirectory("maas-query-int8-").FullName;
        return QuantizationCheck.WriteVariant(source, Path.Combine(output, $"{TransformerData.Model}-int8"), quantized.Value, "all");
    }

    private static Run Measure(Action action, int queries)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        action();
        var wall = Stopwatch.GetElapsedTime(start);
        var used = Environment.CpuUsage.TotalTime - cpu;
        return new Run(used.TotalMicroseconds / queries, wall.TotalMicroseconds / queries, queries / wall.TotalSeconds);
    }

    private static string Spread(IEnumerable<double> values)
    {
        double[] all = [.. values];
        return string.Create(CultureInfo.InvariantCulture, $"{ConsoleRuns.Median(all):F0} ({all.Min():F0}–{all.Max():F0})");
    }

    /// <summary>
    /// The optimised graph at each level (which fused operators ONNX Runtime made of this BERT graph) and the raw
    /// session's CPU per query, batch 1, on its own 1-thread pool, levels and pre-packing interleaved.
    /// </summary>
    private static void Graphs(string fp32Path, string int8Path, SentenceEmbeddingModel model, string[] queries, int rounds)
    {
        var inputs = queries.Select(q => model.Tokenizer.Encode(q, model.Settings.MaxTokens).Ids).ToArray();
        string folder = Directory.CreateTempSubdirectory("maas-query-graph-").FullName;
        var sessions = new List<(string Name, InferenceSession Session)>();
        foreach (var (label, path) in new[] { ("fp32", fp32Path), ("int8", int8Path) })
        {
            foreach (var (level, name) in new[] { (GraphOptimizationLevel.ORT_ENABLE_BASIC, "basic"), (GraphOptimizationLevel.ORT_ENABLE_EXTENDED, "extended"), (GraphOptimizationLevel.ORT_ENABLE_ALL, "all") })
            {
                string optimized = Path.Combine(folder, $"{label}-{name}.onnx");
                using (var options = Options(level, prepacking: true))
                {
                    options.OptimizedModelFilePath = optimized;
                    using var _ = new InferenceSession(path, options);
                }

                Console.WriteLine($"{label} graph at {name}: {string.Join(", ", OpTypes(optimized).OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}");
                using var timed = Options(level, prepacking: true);
                sessions.Add(($"{label} {name}", new InferenceSession(path, timed)));
            }

            using var unpacked = Options(GraphOptimizationLevel.ORT_ENABLE_ALL, prepacking: false);
            sessions.Add(($"{label} all, pre-packing off", new InferenceSession(path, unpacked)));
        }

        var cpu = sessions.ToDictionary(s => s.Name, _ => new List<double>());
        foreach (var (_, session) in sessions)
        {
            RunRaw(session, inputs[..32]);
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, session) in sessions)
            {
                cpu[name].Add(Measure(() => RunRaw(session, inputs), inputs.Length).CpuMicroseconds);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| raw ONNX Runtime session, batch 1, own pool of 1 thread | CPU µs/query |");
        Console.WriteLine("| --- | ---: |");
        foreach (var (name, session) in sessions)
        {
            Console.WriteLine($"| {name} | {Spread(cpu[name])} |");
            session.Dispose();
        }
    }

    private static SessionOptions Options(GraphOptimizationLevel level, bool prepacking)
    {
        var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (!prepacking)
        {
            options.AddSessionConfigEntry("session.disable_prepacking", "1");
        }

        return options;
    }

    private static void RunRaw(InferenceSession session, long[][] inputs)
    {
        foreach (long[] ids in inputs)
        {
            long[] shape = [1, ids.Length];
            long[] mask = new long[ids.Length];
            mask.AsSpan().Fill(1);
            using var idValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typeValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
            var names = session.InputMetadata.ContainsKey("token_type_ids") ? new[] { "input_ids", "attention_mask", "token_type_ids" } : ["input_ids", "attention_mask"];
            OrtValue[] values = names.Length == 3 ? [idValue, maskValue, typeValue] : [idValue, maskValue];
            using var options = new RunOptions();
            using var outputs = session.Run(options, names, values, session.OutputNames);
        }
    }

    /// <summary>Node count per operator type of an ONNX file's main graph.</summary>
    private static Dictionary<string, int> OpTypes(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var graph in ProtoField.ReadAll(bytes).Where(f => f.Number == 7))
        {
            var graphBytes = bytes.AsSpan(graph.Payload);
            foreach (var node in ProtoField.ReadAll(graphBytes).Where(f => f.Number == 1))
            {
                string op = NodeFacts.Parse(graphBytes[node.Payload]).OpType;
                counts[op] = counts.GetValueOrDefault(op) + 1;
            }
        }

        return counts;
    }

    /// <summary>
    /// Recall@10 of exact search with int8 query and item vectors against fp32's (a search must embed its items and
    /// its queries with the same model version), and how close the query vectors are.
    /// </summary>
    private static void Recall(SentenceEmbeddingModel fp32, SentenceEmbeddingModel int8, string[] items, string[] queries)
    {
        const int K = 10;
        int d = fp32.Settings.Dimensions;
        float[] items32 = TransformerData.Embed(fp32, items, 32), items8 = TransformerData.Embed(int8, items, 32);
        float[] queries32 = TransformerData.Embed(fp32, queries, 32), queries8 = TransformerData.Embed(int8, queries, 32);
        double recall = 0;
        float minCosine = 1;
        for (int q = 0; q < queries.Length; q++)
        {
            var exact = Top(items32, queries32.AsSpan(q * d, d), d, K);
            var quantized = Top(items8, queries8.AsSpan(q * d, d), d, K);
            recall += exact.Intersect(quantized).Count() / (double)K;
            minCosine = Math.Min(minCosine, TensorPrimitives.CosineSimilarity(queries32.AsSpan(q * d, d), queries8.AsSpan(q * d, d)));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"int8 encoder for items and queries against fp32: recall@10 {recall / queries.Length:F4} over {items.Length} Netflix descriptions and {queries.Length} title queries; query vectors' min cosine to fp32 {minCosine:F4}"));
    }

    private static int[] Top(float[] items, ReadOnlySpan<float> query, int d, int k)
    {
        var scores = new float[items.Length / d];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(items.AsSpan(i * d, d), query);
        }

        return [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(k)];
    }

    private readonly record struct Run(double CpuMicroseconds, double WallMicroseconds, double PerSecond);

    private readonly record struct Figures(Run Serial, Run Concurrent, Run Batched);
}
