using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;

namespace MaaS.Benchmarks.Recommendations;

/// <summary>
/// What the trending follower costs a replica per read of the event log (<see cref="TrendingCounts.CatchUpAsync"/>):
/// the new events of <see cref="EventsPerRead"/> read from a SQLite file and folded into the hour buckets, and the
/// ranking published again, over a window that already counts <see cref="EventsInWindow"/> events on the ml-100k
/// items (a few percent of them new items). Mean is per read; a replica reads at most five times a second.
/// Usage: <c>dotnet run -c Release --project tests/MaaS.Benchmarks -- --filter '*TenantEventCount*'</c>.
/// </summary>
[MedianColumn]
[MemoryDiagnoser]
public class TenantEventCountBenchmarks
{
    private SqliteStorage _storage = null!;
    private TrendingCounts _counts = null!;
    private string _folder = null!;
    private string[] _items = [];
    private int _next;

    [Params(100, 2_000)]
    public int EventsPerRead { get; set; }

    [Params(100_000)]
    public int EventsInWindow { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("maas-trending-bench-").FullName;
        var opened = SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder, "maas.db") }).AsTask().GetAwaiter().GetResult();
        _storage = opened.IsSuccess ? opened.Value : throw new InvalidOperationException(opened.Error.Message);
        var index = ItemIndex.Build(BenchmarkData.MovieLensTrain(), IndexBuildOptions.Default);
        _items = [.. index.ItemIds, .. Enumerable.Range(0, 50).Select(i => $"new-item-{i}")];
        _counts = new TrendingCounts("bench", _storage.Events, 24);
        _counts.Serving(index);
        for (int done = 0; done < EventsInWindow; done += StorageLimits.MaxBatchSize)
        {
            Append(StorageLimits.MaxBatchSize);
        }

        CatchUp();
    }

    [IterationSetup]
    public void NewEvents() => Append(EventsPerRead);

    [Benchmark(Description = "trending: read the new events, fold, publish")]
    public long CatchUp()
    {
        var head = _storage.Events.GetFeedHeadAsync().AsTask().GetAwaiter().GetResult().Value;
        return _counts.CatchUpAsync(head, DateTimeOffset.UtcNow, CancellationToken.None).AsTask().GetAwaiter().GetResult().Value;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    private void Append(int count)
    {
        var random = new Random(_next);
        var now = DateTimeOffset.UtcNow;
        for (int done = 0; done < count; done += StorageLimits.MaxBatchSize)
        {
            var batch = Enumerable.Range(0, Math.Min(StorageLimits.MaxBatchSize, count - done))
                .Select(_ => new InteractionEvent($"evt-{_next++}", $"user-{random.Next(5_000)}", _items[random.Next(_items.Length)], "play", 1f, now))
                .ToList();
            _storage.Events.AppendAsync("bench", batch).AsTask().GetAwaiter().GetResult();
        }
    }
}
