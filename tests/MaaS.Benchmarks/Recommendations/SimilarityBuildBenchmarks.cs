using MaaS.Recommendations.Interactions;
using MaaS.Recommendations.Similarity;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>Item-item similarity build on the shared ml-100k training split (1,682 items, 75k ratings).</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class SimilarityBuildBenchmarks
{
    private InteractionMatrix _ratings = null!;
    private InteractionMatrix _binary = null!;

    [GlobalSetup]
    public void Setup()
    {
        var train = BenchmarkData.MovieLensTrain();
        _ratings = InteractionMatrixBuilder.Build(train, IndexBuildOptions.Default.Weighting);
        _binary = InteractionMatrixBuilder.Build(train, new WeightingOptions(ValueScheme.Binary));
    }

    [Benchmark(Baseline = true, Description = "default (asymmetric cosine, k=150)")]
    public int DefaultKnn() => SimilarityBuilder.Build(_ratings, IndexBuildOptions.Default.Similarity).Neighbours.Length;

    [Benchmark(Description = "SAR Jaccard, k=100")]
    public int Jaccard() => SimilarityBuilder.Build(_binary, IndexBuildOptions.SarJaccard.Similarity).Neighbours.Length;

    [Benchmark(Description = "EASE λ=400, k=400")]
    public int Ease() => SimilarityBuilder.Build(_binary, IndexBuildOptions.Ease.Similarity).Neighbours.Length;

    [Benchmark(Description = "whole index from events (default)")]
    public int IndexFromMatrix() => ItemIndex.Build(_ratings, IndexBuildOptions.Default).NeighbourCount;
}
