using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>
/// One <see cref="CatalogueSnapshot.WithEmbeddings"/> apply over a catalogue whose vectors are all merged already (what
/// each embedding run does once its items are embedded): with the same arrays (only the new ones are widened and
/// compared) and with equal values in new arrays, which widens and compares every vector as each apply did before.
/// </summary>
[MemoryDiagnoser]
public class EmbeddingMergeBenchmarks
{
    private static readonly CatalogueFeatures Features = new();
    private CatalogueSnapshot _merged = null!;
    private Dictionary<string, Half[]> _vectors = null!;
    private Dictionary<string, Half[]>[] _copies = null!;
    private int _calls;

    [Params(10_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var items = Enumerable.Range(0, Items)
            .Select(i => new CatalogItem($"item-{i:00000}", ItemKind.Movie, $"Title {i}", ["Drama"], [], $"text {i % 97} words {i % 13}", null, null))
            .ToList();
        _vectors = items.ToDictionary(i => i.ItemId, _ => Enumerable.Range(0, 384).Select(_ => (Half)(random.NextSingle() - 0.5f)).ToArray());
        // Two sets of copies taken in turn: the arrays of the last apply are remembered, so each call brings new ones.
        _copies = [.. Enumerable.Range(0, 2).Select(_ => _vectors.ToDictionary(v => v.Key, v => (Half[])v.Value.Clone()))];
        var loaded = CatalogueSnapshot.Empty.Applied(
            CatalogueChanges.Of([.. items.Select((item, i) => new CatalogChange(i + 1, item.ItemId, item))], Features, featurise: true), Features);
        _merged = loaded.WithEmbeddings(i => _vectors[i.ItemId], Features)!;
    }

    [Benchmark(Baseline = true, Description = "every vector widened and compared (equal values, new arrays)")]
    public bool NewArrays()
    {
        var copies = _copies[_calls++ & 1];
        return _merged.WithEmbeddings(i => copies[i.ItemId], Features) is not null;
    }

    [Benchmark(Description = "unchanged arrays skipped")]
    public bool SameArrays() => _merged.WithEmbeddings(i => _vectors[i.ItemId], Features) is not null;
}
