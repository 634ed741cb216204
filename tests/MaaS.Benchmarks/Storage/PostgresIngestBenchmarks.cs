using BenchmarkDotNet.Attributes;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using Npgsql;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// The same ingestion as <see cref="SqliteIngestBenchmarks"/> against PostgreSQL (one statement per batch: unnest
/// arrays, ON CONFLICT DO NOTHING, users upserted in the same statement; synchronous_commit=on, so a returned append
/// is flushed to the server's WAL). Server from MAAS_TEST_POSTGRES (default: the one .ci/setup creates); a scratch
/// schema is created and dropped. Mean is per batch of 500.
/// </summary>
[MemoryDiagnoser]
public class PostgresIngestBenchmarks
{
    private const int Users = 5_000, Items = 2_000, Callers = 4;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string[] _users = [.. Enumerable.Range(0, Users).Select(i => $"user-{i}")];
    private readonly string[] _items = [.. Enumerable.Range(0, Items).Select(i => $"item-{i}")];
    private readonly Task<int>[] _appends = new Task<int>[Callers];
    private readonly string _schema = "maas_bench_" + Guid.NewGuid().ToString("N")[..10];
    private string _connectionString = "";
    private PostgresStorage _storage = null!;
    private InteractionEvent[][] _batches = [];
    private long _next;

    [Params(500)]
    public int BatchSize { get; set; }

    [Params(25, 500)]
    public int UsersPerBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _connectionString = Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES") is { Length: > 0 } s
            ? s
            : "Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test";
        var opened = PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = _connectionString, Schema = _schema })
            .AsTask().GetAwaiter().GetResult();
        _storage = opened.IsSuccess ? opened.Value : throw new InvalidOperationException($"PostgreSQL not available: {opened.Error.Message}");
        _batches = [.. Enumerable.Range(0, Callers).Select(_ => new InteractionEvent[BatchSize])];
    }

    [Benchmark(Baseline = true, Description = "1 caller")]
    public Task<int> AppendBatch() => Append(_batches[0]);

    [Benchmark(OperationsPerInvoke = Callers, Description = "4 concurrent callers")]
    public async Task<int> AppendBatchesConcurrently()
    {
        for (var c = 0; c < Callers; c++) _appends[c] = Append(_batches[c]);
        var total = 0;
        foreach (var append in _appends) total += await append;
        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        drop.ExecuteNonQuery();
    }

    private async Task<int> Append(InteractionEvent[] batch)
    {
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
