using BenchmarkDotNet.Attributes;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// Event ingestion into SQLite as the gateway does it: batches of new events, each append acknowledged only once
/// durable (Full = SQLite WAL fsynced per commit). Events/s = BatchSize / Mean. Each invocation appends fresh ids, so the
/// table keeps growing across the run as it would in production; the file lives in the temp folder.
/// <see cref="UsersPerBatch"/> is how many distinct users (of 5,000) a batch's events come from: 500 is the worst
/// case (every event a different user, so the per-user index is written at ~500 random places per commit), 25 is a
/// server-side collector flushing a few active sessions. Event ids are time-ordered (like UUIDv7/ULID).
/// </summary>
[MemoryDiagnoser]
public class SqliteIngestBenchmarks
{
    private const int Users = 5_000, Items = 2_000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string[] _users = [.. Enumerable.Range(0, Users).Select(i => $"user-{i}")];
    private readonly string[] _items = [.. Enumerable.Range(0, Items).Select(i => $"item-{i}")];
    private string _folder = "";
    private SqliteStorage _storage = null!;
    private InteractionEvent[] _batch = [];
    private long _next;

    [Params(500)]
    public int BatchSize { get; set; }

    [Params(SqliteDurability.Full)]
    public SqliteDurability Durability { get; set; }

    [Params(25, 500)]
    public int UsersPerBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "maas-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        var opened = SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(_folder, "bench.db"), Durability = Durability })
            .AsTask().GetAwaiter().GetResult();
        _storage = opened.IsSuccess ? opened.Value : throw new InvalidOperationException(opened.Error.Message);
        _batch = new InteractionEvent[BatchSize];
    }

    [Benchmark(Description = "Append one batch of new events (durable)")]
    public async Task<int> AppendBatch()
    {
        // Building the batch is part of the cost the gateway pays too (it deserializes requests into these records).
        var firstUser = _next / BatchSize * UsersPerBatch;
        for (var i = 0; i < _batch.Length; i++)
        {
            var n = _next++;
            var user = _users[(int)((firstUser + i % UsersPerBatch) * 7919 % Users)];
            _batch[i] = new InteractionEvent($"evt-{n:D12}", user, _items[(int)(n * 104_729 % Items)], "play", 1f, T0.AddMilliseconds(n));
        }
        var result = await _storage.Events.AppendAsync(StorageLimits.DefaultTenant, _batch);
        return result.IsSuccess && result.Value.Inserted == _batch.Length
            ? result.Value.Inserted
            : throw new InvalidOperationException($"append failed or deduplicated: {result}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }
}
