using BenchmarkDotNet.Engines;
using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Similarity;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>
/// The default similarity build on a synthetic MovieLens-25M-shaped set (162k users, 62k items, 25M interactions).
/// One cold iteration: it takes seconds, and peak working set (printed at cleanup) is the number to watch.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class LargeBuildBenchmarks
{
    private InteractionMatrix _matrix = null!;

    [GlobalSetup]
    public void Setup()
    {
        var watch = Stopwatch.StartNew();
        _matrix = SyntheticInteractions.Create();
        long work = 0;
        for (int u = 0; u < _matrix.Users.Count; u++)
        {
            long d = _matrix.RowOffsets[u + 1] - _matrix.RowOffsets[u];
            work += d * d;
        }

        Console.WriteLine($"// synthetic: {_matrix.NonZeroCount:N0} interactions, Σ items-per-user² = {work:N0}, generated in {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Benchmark(Description = "default similarity, 25M interactions")]
    public int DefaultKnn25M() => SimilarityBuilder.Build(_matrix, IndexBuildOptions.Default.Similarity).Neighbours.Length;

    /// <summary>Generates the set, times one build, prints seconds and peak working set; <c>large-build</c> mode.</summary>
    public static int RunOnce()
    {
        var benchmark = new LargeBuildBenchmarks();
        benchmark.Setup();
        var watch = Stopwatch.StartNew();
        int neighbours = benchmark.DefaultKnn25M();
        Console.WriteLine($"// default similarity build: {watch.Elapsed.TotalSeconds:F1} s, {neighbours:N0} neighbours, {Environment.ProcessorCount} cores");
        benchmark.Cleanup();
        return 0;
    }

    [GlobalCleanup]
    public void Cleanup() =>
        Console.WriteLine($"// peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024 * 1024):F2} GiB");
}
