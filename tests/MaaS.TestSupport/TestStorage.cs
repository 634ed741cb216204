using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Privacy;
using MaaS.Storage.Sqlite;
using Npgsql;

namespace MaaS.TestSupport;

/// <summary>Opens a SQLite store as the gateway and the CLI do: to look at what one of them wrote, or to set a test's world up.</summary>
public static class TestStorage
{
    /// <summary>The store of the SQLite file at <paramref name="path"/> (created when missing), or the test failed with the reason; the caller disposes it.</summary>
    public static async Task<IStorage> OpenSqliteAsync(string path, SqliteDurability durability = SqliteDurability.Full)
    {
        var opened = await StorageFactory.OpenAsync(
            new StorageOptions { Sqlite = { Path = path, Durability = durability } }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(opened.IsSuccess, $"opening {path}: {opened.Error}");
        return opened.Value;
    }

    /// <summary>The test PostgreSQL server (<c>MAAS_TEST_POSTGRES</c>, default the local one), as the storage tests reach it.</summary>
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable("MAAS_TEST_POSTGRES") is { Length: > 0 } s ? s : "Host=127.0.0.1;Port=5432;Username=maas;Password=maas;Database=maas_test";

    /// <summary>
    /// A store over a new schema of the test PostgreSQL server, or the test skipped with the reason when the server
    /// cannot be reached; the caller disposes it and drops the schema (<see cref="DropPostgresSchemaAsync"/>).
    /// </summary>
    public static async Task<IStorage> OpenPostgresAsync(string schema)
    {
        var opened = await StorageFactory.OpenAsync(
            new StorageOptions
            {
                Provider = StorageProvider.Postgres,
                Postgres = { ConnectionString = PostgresConnectionString, Schema = schema },
                Privacy = new PrivacyOptions { UserKey = "cG9zdGdyZXMtY29udHJhY3QtdGVzdHMtdXNlci1rZXk=" },
            }, cancellationToken: TestContext.Current.CancellationToken);
        if (!opened.IsSuccess && opened.Error.Code == ErrorCode.DependencyUnavailable)
        {
            Assert.Skip($"PostgreSQL not reachable ({opened.Error.Message}); set MAAS_TEST_POSTGRES or run .ci/setup to run this test.");
        }

        Assert.True(opened.IsSuccess, $"opening schema {schema}: {opened.Error}");
        return opened.Value;
    }

    /// <summary>Drops a schema <see cref="OpenPostgresAsync"/> created.</summary>
    public static async Task DropPostgresSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
