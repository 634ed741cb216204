using MaaS.Storage.Abstractions;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// Event ingestion as the gateway does it, the same for every provider: batches of new events, each append
/// acknowledged only once durable. Each invocation appends fresh ids (time-ordered, like UUIDv7/ULID), so the table
/// keeps growing across the run as in production. Mean and Median are per batch.
/// <see cref="UsersPerBatch"/>: how many distinct users (of 5,000) a batch's events come from. 500 is the worst case
/// (every event a different user, so the per-user index is written at ~500 random places per commit); 25 is a
/// collector flushing a few active sessions. "4 concurrent callers" append at once, as concurrent HTTP requests do.
/// </summary>
public abstract class IngestBenchmarks
{
    private const int Users = 5_000, Items = 2_000, Callers = 4;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string[] _users = [.. Enumerable.Range(0, Users).Select(i => $"user-{i}")];
    private readonly string[] _items = [.. Enumerable.Range(0, Items).Select(i => $"item-{i}")];
    private readonly Task<int>[] _appends = new Task<int>[Callers];
    private IStorage _storage = null!;
    private InteractionEvent[][] _batches = [];
    private long _next;

    [Params(500)]
    public int BatchSize { get; set; }

    [Params(25, 500)]
    public int UsersPerBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _storage = Open();
        _batches = [.. Enumerable.Range(0, Callers).Select(_ => new InteractionEvent[BatchSize])];
    }

    [Benchmark(Baseline = true, Description = "1 caller")]
    public Task<int> AppendBatch() => Append(_batches[0]);

    [Benchmark(OperationsPerInvoke = Callers, Description = "4 concurrent callers")]
    public async Task<int> AppendBatchesConcurrently()
    {
        for (var c = 0; c < Callers; c++)
        {
            _appends[c] = Append(_batches[c]);
        }

        var total = 0;
        foreach (var append in _appends)
        {
            total += await append;
        }

        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Remove();
    }

    /// <summary>Opens a new, empty store; throws when it cannot (the run has nothing to measure).</summary>
    protected abstract IStorage Open();

    /// <summary>Deletes what <see cref="Open"/> created, once the store is closed.</summary>
    protected abstract void Remove();

    private async Task<int> Append(InteractionEvent[] batch)
    {
        // Building the batch is part of the cost the gateway pays too (it deserializes requests into these records).
        var firstUser = _next / BatchSize * UsersPerBatch;
        for (var i = 0; i < batch.Length; i++)
        {
            var n = _next++;
            var user = _users[(int)((firstUser + i % UsersPerBatch) * 7919 % Users)];
            batch[i] = new InteractionEvent($"evt-{n:D12}", user, _items[(int)(n * 104_729 % Items)], "play", 1f, T0.AddMilliseconds(n));
        }
        var result = await _storage.Events.AppendAsync(StorageLimits.DefaultTenant, batch);
        return result.IsSuccess && result.Value.Inserted == batch.Length
            ? result.Value.Inserted
            : throw new InvalidOperationException($"append failed or deduplicated: {result}");
    }
}
