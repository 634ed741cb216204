using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>
/// What serving's in-memory counting adds to each ingested batch (<see cref="TenantState.NoteEvents"/>: every event
/// counts toward trending, an event of an item the serving index does not know also toward the rows' <c>new</c>),
/// against one counter alone, what a single structure serving both would cost at ingestion; and what that single
/// structure would move to every recommendation: the new items found by filtering every counted item through the
/// index, against reading the separate counter of new items. A batch is 500 events over the ml-100k index's items,
/// <see cref="NewPercent"/> % of them items the index does not know; the counters hold a build's worth of events
/// (<see cref="EventsSinceBuild"/>) before each measured batch. Mean is per batch (ingest) or per request (read).
/// Usage: <c>dotnet run -c Release --project tests/MaaS.Benchmarks -- --filter '*TenantEventCount*'</c>.
/// </summary>
[MedianColumn]
[MemoryDiagnoser]
public class TenantEventCountBenchmarks
{
    private const int BatchSize = 500;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private ItemIndex _index = null!;
    private InteractionEvent[] _batch = [];
    private TenantState _state = null!;
    private ConcurrentDictionary<string, int> _one = null!;

    [Params(1, 10)]
    public int NewPercent { get; set; }

    [Params(20_000)]
    public int EventsSinceBuild { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = ItemIndex.Build(BenchmarkData.MovieLensTrain(), IndexBuildOptions.Default);
        var random = new Random(5);
        var known = _index.ItemIds;
        InteractionEvent Event(int n) => new(
            $"evt-{n}", $"user-{random.Next(5_000)}",
            random.Next(100) < NewPercent ? $"new-item-{random.Next(200)}" : known[random.Next(known.Count)],
            "play", 1f, T0.AddMilliseconds(n));
        _batch = [.. Enumerable.Range(0, BatchSize).Select(Event)];

        // ICatalogStore is read only by catalogue loads, which counting never calls.
        _state = new TenantState("bench", null!, new CatalogueFeatures());
        _one = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        for (int done = 0; done < EventsSinceBuild; done += BatchSize)
        {
            var build = Enumerable.Range(done, BatchSize).Select(Event).ToArray();
            _state.NoteEvents(build, _index);
            CountOnce(build);
        }
    }

    [Benchmark(Baseline = true, Description = "ingest: trending + new counters (as served)")]
    public void IngestTwoCounters() => _state.NoteEvents(_batch, _index);

    [Benchmark(Description = "ingest: one counter")]
    public void IngestOneCounter() => CountOnce(_batch);

    [Benchmark(Description = "read: new items from their own counter")]
    public int ReadNewCounter()
    {
        int sum = 0;
        foreach (var pair in _state.NewItemEvents)
        {
            sum += pair.Value;
        }

        return sum;
    }

    [Benchmark(Description = "read: new items filtered from one counter")]
    public int ReadNewFromOneCounter()
    {
        int sum = 0;
        foreach (var pair in _one)
        {
            if (!_index.TryGetItemIndex(pair.Key, out _))
            {
                sum += pair.Value;
            }
        }

        return sum;
    }

    private void CountOnce(InteractionEvent[] batch)
    {
        foreach (var e in batch)
        {
            _one.AddOrUpdate(e.ItemId, 1, static (_, n) => n + 1);
        }
    }
}
