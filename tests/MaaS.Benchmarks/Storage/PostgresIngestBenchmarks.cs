using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using Npgsql;

namespace MaaS.Benchmarks.Storage;

/// <summary>
/// <see cref="IngestBenchmarks"/> against PostgreSQL (one statement per batch: unnest arrays, ON CONFLICT DO NOTHING,
/// users upserted in the same statement; synchronous_commit=on, so a returned append is flushed to the server's WAL).
/// Server from MAAS_TEST_POSTGRES (default: the one .ci/setup creates); a scratch schema is created and dropped.
/// </summary>
[MemoryDiagnoser]
public class PostgresIngestBenchmarks : IngestBenchmarks
{
    private readonly string _schema = "maas_bench_" + Guid.NewGuid().ToString("N")[..10];
    private string _connectionString = "";

    protected override IStorage Open()
    {
        _connectionString = Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES") is { Length: > 0 } s
            ? s
            : "Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test";
        var opened = PostgresStorage.OpenAsync(new PostgresStorageOptions { ConnectionString = _connectionString, Schema = _schema })
            .AsTask().GetAwaiter().GetResult();
        return opened.IsSuccess ? opened.Value : throw new InvalidOperationException($"PostgreSQL not available: {opened.Error.Message}");
    }

    protected override void Remove()
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        drop.ExecuteNonQuery();
    }
}
