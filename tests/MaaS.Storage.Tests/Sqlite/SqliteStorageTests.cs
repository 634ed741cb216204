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
    public async Task OpenAsync_AnyDurability_WalModeAndSchemaVersionOne(SqliteDurability durability)
    {
        await using var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath, Durability = durability }, cancellationToken: Ct)).Value;
        await storage.Events.AppendAsync("t", [Event("a")], Ct);

        using var connection = new SqliteConnection($"Data Source={DbPath}");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(connection, "SELECT max(version) FROM schema_version"));
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
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM schema_version"));
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

    public void Dispose() => _folder.Dispose();

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
