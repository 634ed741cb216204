using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Tests.Sqlite;

public sealed class SqliteJobStoreContractTests : JobStoreContractTests
{
    private readonly SqliteTestFile _file;

    public SqliteJobStoreContractTests()
        : this(new SqliteTestFile())
    {
    }

    private SqliteJobStoreContractTests(SqliteTestFile file)
        : base(file) => _file = file;

    protected override async Task SetAllCreatedAtAsync(DateTimeOffset at)
    {
        await using var connection = new SqliteConnection($"Data Source={_file.DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE jobs SET created_at = $at";
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(Ct);
    }
}
