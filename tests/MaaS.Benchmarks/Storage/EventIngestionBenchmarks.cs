using BenchmarkDotNet.Attributes;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Sqlite;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// Durable event ingestion into SQLite, as <c>POST /v1/events</c> does it: one <see cref="IEventStore.AppendAsync"/>
/// of a batch of new events per operation (validation, dedupe by id, user first/last-seen upsert, commit; with
/// <see cref="SqliteDurability.Full"/> the commit fsyncs the WAL). Events/s = <see cref="BatchSize"/> / mean time.
/// The batch's records are created inside the operation (about 1 % of its time), so ids are always new.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(3)]
[IterationCount(10)]
public class EventIngestionBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InteractionEvent[] _batch = new InteractionEvent[BatchSize];
    private string _folder = "";
    private IStorage _storage = null!;
    private long _next;

    public const int BatchSize = 500;

    [Params(SqliteDurability.Full, SqliteDurability.Normal)]
    public SqliteDurability Durability { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "maas-ingest-" + Guid.NewGuid().ToString("N"));
        var options = new StorageOptions { Sqlite = { Path = Path.Combine(_folder, "maas.db"), Durability = Durability } };
        _storage = StorageFactory.OpenAsync(options).AsTask().GetAwaiter().GetResult().Value;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "append 500 events (durable)")]
    public async Task<int> AppendBatch()
    {
        for (int i = 0; i < BatchSize; i++)
        {
            long n = _next++;
            _batch[i] = new InteractionEvent($"e{n}", $"user-{n % 5_000}", $"item-{n * 7919 % 20_000}", "play", 1f, Start.AddSeconds(n));
        }

        var result = await _storage.Events.AppendAsync(StorageLimits.DefaultTenant, _batch);
        return result.Value.Inserted;
    }
}
