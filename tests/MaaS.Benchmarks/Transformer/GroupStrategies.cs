namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// How a 32-text batch of mixed lengths should reach the encoder (issue #17, "the 32-text path"), measured in process
/// on the model the gateway loads (global ORT pools, as served), tokenisation left out: the length groups one after
/// another (as before), the same groups run concurrently, fewer groups (more padding) run concurrently, and one batch
/// padded to its longest row, and what the model now does (groups at once up to the cores that overlapping calls leave).
/// Each with 1 caller (what the dynamic batcher's single loop is) and with as many callers
/// as cores (batching off, one request per client). Strategies interleave within every round.
/// Usage: <c>transformer-groups [--seconds 3] [--rounds 3] [--batch 32]</c>.
/// </summary>
internal static class GroupStrategies
{
    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = TransformerData.Option(args, "--seconds", 3);
        int rounds = TransformerData.Option(args, "--rounds", 3);
        int batch = TransformerData.Option(args, "--batch", 32);
        int cores = Environment.ProcessorCount;
        string[] texts = TransformerData.Texts(512);
        using var model = await TransformerData.LoadAsync(TransformerData.ModelDirectory, 1);
        var batches = Enumerable.Range(0, texts.Length / batch)
            .Select(b => texts.Skip(b * batch).Take(batch).Select(t => Row(model, t)).ToArray())
            .ToArray();
        var strategies = new (string Name, Func<TokenRow[], float[]> Embed)[]
        {
            ("length groups one after another (before)", rows => model.Embed(rows, SentenceEmbeddingModel.Plan(rows), 1, out _)),
            ($"length groups, up to {cores} at once", rows => model.Embed(rows, SentenceEmbeddingModel.Plan(rows), cores, out _)),
            ($"groups at padding ratio 2, up to {cores} at once", rows => model.Embed(rows, SentenceEmbeddingModel.Plan(rows, 2.0), cores, out _)),
            ("one batch padded to its longest row", rows => model.Embed(rows, [[.. Enumerable.Range(0, rows.Length)]], 1, out _)),
            ($"length groups split to {2 * cores} or more, up to {cores} at once", rows => model.Embed(rows, SentenceEmbeddingModel.Plan(rows, pieces: 2 * cores), cores, out _)),
            ("as served: groups at once up to the cores other calls leave", rows => model.Embed(rows, out _)),
        };
        double groups = batches.Average(b => SentenceEmbeddingModel.Plan(b).Count);
        double padded = batches.Average(b => (double)b.Length * b.Max(r => r.Ids.Length) / b.Sum(r => r.Ids.Length));
        Console.WriteLine($"Length-group strategies: {TransformerData.Model}, {batches.Length} batches of {batch} texts (MR + Netflix; {groups:0.0} groups each on average; one padded batch holds {padded:0.00} cells per real one), {rounds} rounds of {seconds} s per mode, {cores} cores");

        int[] callerCounts = [1, cores];
        var results = new Dictionary<(int Strategy, int Callers), List<double>>();
        foreach (var (_, embed) in strategies)
        {
            embed(batches[0]); // warm-up: JIT and ORT's arenas for the shapes
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (int callers in callerCounts)
            {
                for (int s = 0; s < strategies.Length; s++)
                {
                    double rate = TextsPerSecond(batches, strategies[s].Embed, callers, seconds);
                    (results.TryGetValue((s, callers), out var list) ? list : results[(s, callers)] = []).Add(rate);
                }
            }

            Console.WriteLine($"round {round + 1} done");
        }

        Console.WriteLine();
        Console.WriteLine("| strategy | callers | texts/s per round | mean | × before (per round) |");
        Console.WriteLine("| --- | ---: | --- | ---: | --- |");
        foreach (int callers in callerCounts)
        {
            var before = results[(0, callers)];
            for (int s = 0; s < strategies.Length; s++)
            {
                var mine = results[(s, callers)];
                string ratios = string.Join(", ", mine.Zip(before, (a, b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture)));
                Console.WriteLine($"| {strategies[s].Name} | {callers} | {string.Join(", ", mine.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))} | {mine.Average():0.0} | {ratios} |");
            }
        }

        return 0;
    }

    /// <summary>A text tokenised as the model's text input does it.</summary>
    internal static TokenRow Row(SentenceEmbeddingModel model, string text)
    {
        var encoded = model.Tokenizer.Encode(text, model.Settings.MaxTokens);
        return new TokenRow(encoded.Ids, null, encoded.Ids.Length, encoded.Truncated);
    }

    private static double TextsPerSecond(TokenRow[][] batches, Func<TokenRow[], float[]> embed, int callers, int seconds)
    {
        long start = Stopwatch.GetTimestamp();
        long stopAt = start + (seconds * Stopwatch.Frequency);
        long done = 0;
        Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, c =>
        {
            for (int i = c; Stopwatch.GetTimestamp() < stopAt; i += callers)
            {
                var rows = batches[i % batches.Length];
                embed(rows);
                Interlocked.Add(ref done, rows.Length);
            }
        });
        return done / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
