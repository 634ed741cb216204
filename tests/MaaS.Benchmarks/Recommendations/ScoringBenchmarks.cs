using MaaS.Recommendations.Ranking;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>Latency of one recommendation for a user with 200 history items (default index on ml-100k).</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ScoringBenchmarks
{
    private ItemIndex _index = null!;
    private ItemIndex _int8 = null!;
    private RecommendationRequest _plain = null!;
    private RecommendationRequest _explained = null!;
    private RecommendationRequest _diverse = null!;
    private int[] _history = null!;
    private float[] _weights = null!;
    private readonly int[] _items = new int[10];
    private readonly float[] _scores = new float[10];
    private readonly RecommendationSource[] _sources = new RecommendationSource[10];

    [GlobalSetup]
    public void Setup()
    {
        _index = ItemIndex.Build(BenchmarkData.MovieLensTrain(), IndexBuildOptions.Default);
        _int8 = _index.WithPrecision(WeightPrecision.Int8);
        var random = new Random(3);
        var ids = _index.ItemIds.OrderBy(_ => random.Next()).Take(200).ToArray();
        _history = ids.Select(id => _index.TryGetItemIndex(id, out int i) ? i : -1).ToArray();
        _weights = Enumerable.Repeat(1f, 200).ToArray();
        _plain = new RecommendationRequest(ids, Count: 10);
        _explained = _plain with { Explain = true };
        _diverse = _plain with { Diversity = 0.7f };
    }

    [Benchmark(Baseline = true, Description = "core: 200 history → top 10 (internal ids)")]
    public int Core() => _index.RecommendCore(_history, _weights, 10, null, true, true, _items, _scores, _sources);

    [Benchmark(Description = "public API: string ids → top 10")]
    public int Public() => _index.Recommend(_plain).Items.Count;

    [Benchmark(Description = "public API, int8 weights")]
    public int PublicInt8() => _int8.Recommend(_plain).Items.Count;

    [Benchmark(Description = "public API + explanations")]
    public int Explained() => _index.Recommend(_explained).Items.Count;

    [Benchmark(Description = "public API + MMR λ=0.7")]
    public int Diverse() => _index.Recommend(_diverse).Items.Count;
}
