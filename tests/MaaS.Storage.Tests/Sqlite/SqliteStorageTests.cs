using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using static MaaS.Storage.Tests.TestData;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>SQLite-only behaviour: file settings and schema versioning.</summary>
public sealed class SqliteStorageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "sub", "maas.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SqliteDurability.Full)]
    [InlineData(SqliteDurability.Normal)]
    public async Task OpenAsync_AnyDurability_WalModeAndLatestSchemaVersion(SqliteDurability durability)
    {
        await using var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath, Durability = durability }, cancellationToken: Ct)).Value;
        await storage.Events.AppendAsync("t", [Event("a")], Ct);

        using var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SqliteMigrations.LatestVersion, Scalar(connection, "SELECT max(version) FROM schema_version"));
        Assert.Equal(1, (await storage.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public async Task OpenAsync_TwiceOnSameFile_MigratesOnceAndKeepsData()
    {
        await using (var first = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct)).Value)
        {
            await first.Events.AppendAsync("t", [Event("a")], Ct);
        }
        await using var second = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct)).Value;

        using var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        Assert.Equal((long)SqliteMigrations.LatestVersion, Scalar(connection, "SELECT count(*) FROM schema_version"));
        Assert.Equal(1, (await second.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanBuild_UnavailableError()
    {
        await using (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct) is var r && r.IsSuccess ? r.Value : null) { }
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0) RETURNING version");
        }

        var reopened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);

        Assert.Equal(StorageErrorKind.Unavailable, reopened.Error?.Kind);
        Assert.Contains("99", reopened.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_PathIsADirectory_UnavailableError()
    {
        Directory.CreateDirectory(DbPath);

        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);

        Assert.Equal(StorageErrorKind.Unavailable, result.Error?.Kind);
    }

    [Fact]
    public async Task OpenAsync_VersionOneFile_DropsTenantIndexAndKeepsEventsStreamable()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            Execute(connection, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
            Execute(connection, SqliteMigrations.Script(1));
            Execute(connection, "INSERT INTO schema_version (version, applied_at) VALUES (1, 0)");
            Execute(connection, "INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts) VALUES ('t', 'old', 'u1', 'i1', 'play', 1, 0)");
        }

        await using var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct)).Value;
        await storage.Events.AppendAsync("t", [Event("new")], Ct);
        var streamed = new List<string>();
        await foreach (var page in storage.Events.StreamAllAsync("t", cancellationToken: Ct)) streamed.AddRange(page.Select(e => e.EventId));

        Assert.Equal(["old", "new"], streamed);
        using var check = new SqliteConnection($"Data Source={DbPath}");
        check.Open();
        Assert.Equal(0L, Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_events_tenant'"));
        Assert.Equal(2L, Scalar(check, "SELECT max(version) FROM schema_version"));
    }

    [Theory]
    [InlineData(SqliteEventStore.StreamSql)]
    [InlineData(SqliteEventStore.StreamSinceSql)]
    public async Task StreamPage_WalksTheRowidRange_NoIndexNoSort(string sql)
    {
        await using (var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct)).Value)
        {
            await storage.Events.AppendAsync("t", Events(50), Ct);
        }
        using var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "$tenant", "$after", "$end", "$limit", "$since" }) command.Parameters.AddWithValue(name, 0);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read()) plan.Add(reader.GetString(3));
        }

        var step = Assert.Single(plan);
        Assert.Contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)", step, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
