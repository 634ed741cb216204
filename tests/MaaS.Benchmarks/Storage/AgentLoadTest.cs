using MaaS.Agents.Features;
using MaaS.Services.Agents;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Privacy;
using MaaS.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// How long loading an agent takes (the first request after a start or a redefinition), with the whole log replayed
/// against from its newest snapshot (console mode). One SQLite file holds an agent with <c>--decisions</c> rewarded
/// decisions (five context features, four actions, LinUCB on the shared model); the snapshots are taken once (timed),
/// then the two loads alternate, A, B, A, B… for <c>--rounds</c> rounds, each timed in wall-clock and in this
/// process's CPU. The full replay is the same load under a definition version with no snapshot. Usage:
/// <c>agent-load [--decisions 100000] [--rounds 5]</c>.
/// </summary>
internal static class AgentLoadTest
{
    private const string Definition = """
        {"contextFeatures":["skill","level","streak","hour","spend"],"actionFeatures":["difficulty"],
         "actions":[{"id":"easy","features":{"difficulty":0.2}},{"id":"normal","features":{"difficulty":0.5}},
                    {"id":"hard","features":{"difficulty":0.8}},{"id":"boss","features":{"difficulty":1.0}}],
         "policy":{"kind":"linucb","epsilon":0.05,"seed":7},"rewardWindowSeconds":600,"defaultReward":0}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int decisions = ConsoleRuns.Option(args, "--decisions", 100_000);
        int rounds = ConsoleRuns.Option(args, "--rounds", 5);
        Console.WriteLine($"MaaS agent load: {decisions:N0} rewarded decisions, {rounds} rounds of (full replay, snapshot), {Environment.ProcessorCount} cores");
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "maas-agent-load-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var opened = await SqliteStorage.OpenAsync(
                new SqliteStorageOptions { Path = Path.Combine(folder, "bench.db") }, new PrivacyCodec(new byte[32], [], null), NullLogger.Instance);
            await using var storage = opened.IsSuccess ? opened.Value : throw new InvalidOperationException(opened.Error.Message);
            var request = JsonSerializer.Deserialize(Definition, AgentJsonContext.StoredDefinition);
            CompiledAgent agent = AgentValidation.Definition(request).Value;
            AgentRecord record = (await storage.Agents.PutAsync("bench", "npc", Definition)).Value;
            await SeedAsync(storage, record, agent, decisions);

            var snapshots = new AgentSnapshots(storage, TimeProvider.System, NullLogger<AgentSnapshots>.Instance);
            var live = new AgentRuntime(record, agent);
            long started = Stopwatch.GetTimestamp();
            int taken = 0;
            (int Learnt, bool More) step;
            do
            {
                step = (await snapshots.TakeAsync(live, CancellationToken.None)).Value;
                taken++;
            }
            while (step.More);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"snapshots from nothing: {taken} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.000} s"));

            var full = new List<(double Wall, double Cpu)>();
            var fromSnapshot = new List<(double Wall, double Cpu)>();
            for (int round = 0; round < rounds; round++)
            {
                full.Add(await LoadAsync(snapshots, record with { Version = record.Version + 1 }, agent, decisions));
                fromSnapshot.Add(await LoadAsync(snapshots, record, agent, decisions));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: full replay {full[^1].Wall:0.000} s wall, {full[^1].Cpu:0.000} s CPU; snapshot {fromSnapshot[^1].Wall:0.000} s wall, {fromSnapshot[^1].Cpu:0.000} s CPU"));
            }
            Console.WriteLine();
            Console.WriteLine("| load | wall s (median, min-max) | CPU s (median, min-max) |");
            Console.WriteLine("| --- | ---: | ---: |");
            foreach (var (name, runs) in new[] { ("full replay", full), ("snapshot", fromSnapshot) })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {ConsoleRuns.Median(runs.Select(r => r.Wall)):0.000} ({runs.Min(r => r.Wall):0.000}-{runs.Max(r => r.Wall):0.000}) | {ConsoleRuns.Median(runs.Select(r => r.Cpu)):0.000} ({runs.Min(r => r.Cpu):0.000}-{runs.Max(r => r.Cpu):0.000}) |"));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Logs the decisions as decide does (64 in flight, so they share commits) and rewards them in batches of 10,000.</summary>
    private static async Task SeedAsync(SqliteStorage storage, AgentRecord record, CompiledAgent agent, int count)
    {
        var runtime = new AgentRuntime(record, agent);
        var random = new Random(1);
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        var ids = new string[count];
        bool[] eligible = [.. agent.DefaultCandidates.Select(_ => true)];
        for (int start = 0; start < count; start += 64)
        {
            var wave = new List<Task>();
            for (int i = start; i < Math.Min(count, start + 64); i++)
            {
                double[] context = [random.NextDouble(), random.Next(1, 50), random.Next(0, 10), random.Next(0, 24), random.NextDouble() * 100];
                var input = new DecisionInput(context, agent.DefaultCandidates);
                var decision = runtime.Decide(input, eligible).Decision;
                ids[i] = DecisionIds.New(at);
                var logged = new AgentDecision(ids[i], record.Tenant, record.Name, runtime.Codec.WriteContext(context),
                    runtime.Codec.WriteActions(input.Actions, eligible, -1), input.Actions[decision.Chosen].Id, decision.Probabilities[decision.Chosen], at);
                wave.Add(storage.Agents.AppendAsync(logged).AsTask());
            }
            await Task.WhenAll(wave);
        }
        for (int start = 0; start < count; start += 10_000)
        {
            var outcomes = ids[start..Math.Min(count, start + 10_000)].Select((id, i) => new AgentOutcome(id, (start + i) % 3 == 0 ? 1 : 0)).ToList();
            var recorded = await storage.Agents.RecordOutcomesAsync(record.Tenant, record.Name, outcomes, at.AddDays(-1), 0);
            if (!recorded.IsSuccess)
            {
                throw new InvalidOperationException(recorded.Error.Message);
            }
        }
    }

    private static async Task<(double Wall, double Cpu)> LoadAsync(AgentSnapshots snapshots, AgentRecord record, CompiledAgent agent, int expected)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        AgentRuntime runtime = (await snapshots.LoadAsync(record, agent, CancellationToken.None)).Value;
        double wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        if (runtime.PolicyVersion != expected)
        {
            throw new InvalidOperationException($"the load learnt {runtime.PolicyVersion} rewards, expected {expected}");
        }
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
