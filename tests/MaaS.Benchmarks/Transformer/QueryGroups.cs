namespace MaaS.Benchmarks.Transformer;

/// <summary>
/// How the dynamic batcher's merged search queries should reach the encoder (issue #17, "do concurrent queries share
/// encoder runs"): batches of <c>--batch</c> consecutive test titles (the queries <c>load/search.lua</c> sends),
/// tokenised beforehand, embedded by the model the gateway loads (shared ORT pool, as served) with one caller (the
/// batcher's one loop) under several plans: as served (length groups, then split into at least twice as many pieces
/// as cores), the same groups unsplit, groups split only while a piece keeps <c>--min-cells</c> padded cells, tight
/// groups (no free padding), and one group padded to the longest row. Plans interleave within every round; each
/// prints CPU per query, wall time per batch, encoder runs per batch and padded cells per real cell.
/// Usage: <c>transformer-query-groups [--queries 400] [--batch 16] [--rounds 3] [--min-cells 192]</c>.
/// </summary>
internal static class QueryGroups
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = TransformerData.Option(args, "--queries", 400);
        int batch = TransformerData.Option(args, "--batch", 16);
        int rounds = TransformerData.Option(args, "--rounds", 3);
        int minCells = TransformerData.Option(args, "--min-cells", 192);
        int cores = Environment.ProcessorCount;
        string data = SharedData.Root ?? throw new InvalidOperationException("../shared/data is missing");
        var titles = ContentCorpus.ReadTitles(Path.Combine(data, "content"));
        string[] queries = [.. titles.Where(t => ContentCorpus.IsTest(t.Id)).Select(t => t.Title).Take(count)];
        using var model = await TransformerData.LoadAsync(TransformerData.ModelDirectory, 1);
        var batches = queries.Chunk(batch).Where(b => b.Length == batch)
            .Select(b => b.Select(q => GroupStrategies.Row(model, q)).ToArray()).ToArray();
        var plans = new (string Name, Func<TokenRow[], IReadOnlyList<int[]>> Plan)[]
        {
            ($"as served before: groups split to {2 * cores}+ pieces", rows => SentenceEmbeddingModel.Plan(rows, pieces: 2 * cores)),
            ("groups, not split", rows => SentenceEmbeddingModel.Plan(rows)),
            ($"groups split while a piece keeps {minCells}+ cells", rows => SentenceEmbeddingModel.Plan(rows, pieces: 2 * cores, minCellsPerPiece: minCells)),
            ("tight groups (no free padding), not split", rows => LengthGroups.Plan([.. rows.Select(r => r.Ids.Length)], 16_384)),
            ("one group padded to the longest", rows => [[.. Enumerable.Range(0, rows.Length)]]),
            ("as served now", rows => SentenceEmbeddingModel.Plan(rows, pieces: 2 * cores, minCellsPerPiece: SentenceEmbeddingModel.MinCellsPerPiece)),
        };
        var lengths = batches.Select(b => b.Select(r => r.Ids.Length).ToArray()).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"query groups: {batches.Length} batches of {batch} test titles ({batches.Average(b => b.Average(r => r.Ids.Length)):F1} word pieces a title on average), {rounds} rounds, {cores} cores, {DateTime.UtcNow:u}"));
        foreach (var (name, plan) in plans)
        {
            double runs = batches.Average(b => plan(b).Count);
            double padded = batches.Select((b, i) => plan(b).Sum(g => (double)g.Length * LengthGroups.Longest(lengths[i], g)) / lengths[i].Sum()).Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {runs:F2} encoder runs per batch, {padded:F2} padded cells per real cell"));
            model.Embed(batches[0], plan(batches[0]), cores, out _);
        }

        var figures = plans.Select(_ => new List<(double Cpu, double Wall)>()).ToArray();
        for (int round = 1; round <= rounds; round++)
        {
            for (int p = 0; p < plans.Length; p++)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                long start = Stopwatch.GetTimestamp();
                foreach (var rows in batches)
                {
                    model.Embed(rows, plans[p].Plan(rows), cores, out _);
                }

                var wall = Stopwatch.GetElapsedTime(start);
                figures[p].Add(((Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / (batches.Length * batch), wall.TotalMilliseconds / batches.Length));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {string.Join("; ", plans.Select((plan, p) => $"{plan.Name} {figures[p][^1].Cpu:F0} µs CPU/query {figures[p][^1].Wall:F1} ms/batch"))}"));
        }

        Console.WriteLine("| plan | CPU µs/query, median (range) | wall ms/batch, median (range) | CPU × as served before, per round |");
        Console.WriteLine("| --- | ---: | ---: | --- |");
        for (int p = 0; p < plans.Length; p++)
        {
            var cpu = figures[p].Select(f => f.Cpu).ToArray();
            var wall = figures[p].Select(f => f.Wall).ToArray();
            string ratios = string.Join(", ", figures[p].Zip(figures[0], (a, b) => (a.Cpu / b.Cpu).ToString("0.00", CultureInfo.InvariantCulture)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {plans[p].Name} | {ConsoleRuns.Median(cpu):F0} ({cpu.Min():F0}–{cpu.Max():F0}) | {ConsoleRuns.Median(wall):F1} ({wall.Min():F1}–{wall.Max():F1}) | {ratios} |"));
        }

        return 0;
    }
}
