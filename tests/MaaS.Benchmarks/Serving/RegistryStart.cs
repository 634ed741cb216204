using System.Text.Json.Nodes;
using MaaS.TestSupport.Models;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// What a registry start costs with the two shipped encoders (console mode): all-minilm-l6-v2 (eager) and
/// arctic-embed-xs as shipped (lazy) against arctic-embed-xs with <c>"loadPolicy": "eager"</c>, alternated
/// A, B, A, B…: seconds to <see cref="ModelRegistry.InitializeAsync"/> and the managed plus native memory the started
/// registry holds (process working set after, less before). Usage: <c>registry-start [rounds, default 3]</c>.
/// </summary>
internal static class RegistryStart
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rounds = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out int r) ? r : 3;
        using var lazy = new TestRepository().WithShippedModel("all-minilm-l6-v2").WithShippedModel("arctic-embed-xs");
        using var eager = new TestRepository().WithShippedModel("all-minilm-l6-v2").WithShippedModel("arctic-embed-xs");
        // Replace the link to the checkout's model.json with an eager copy; never write through the link.
        string config = Path.Combine(eager.Root, "arctic-embed-xs", RepositoryFiles.Config);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["loadPolicy"] = "eager";
        File.Delete(config);
        await File.WriteAllTextAsync(config, json.ToJsonString());

        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (name, repository) in new[] { ("arctic lazy (shipped)", lazy), ("arctic eager (before)", eager) })
            {
                var (seconds, megabytes, ready) = await StartAsync(repository.Root);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}  {name,-22} start {seconds,6:F2} s  working set +{megabytes,6:F0} MB  ready versions {ready}"));
            }
        }

        return 0;
    }

    private static async Task<(double Seconds, double Megabytes, int Ready)> StartAsync(string root)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        var clock = Stopwatch.StartNew();
        await using var registry = Registries.CreateWithEncoders(root);
        await registry.InitializeAsync();
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        int ready = registry.GetModels().Sum(m => m.Versions.Count(v => v.IsReady));
        return (seconds, (process.WorkingSet64 - before) / 1e6, ready);
    }
}
