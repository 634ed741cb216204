using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;

namespace MaaS.Storage.Sqlite;

internal static class SqliteQueries
{
    public static ValueTask<StorageResult<long>> Count(SqliteDatabase database, string tenant, string table, string operation)
    {
        if (InputValidator.Tenant(tenant) is { } invalid) return ValueTask.FromResult<StorageResult<long>>(invalid);
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            // table is one of three constants from this assembly, never input.
            command.CommandText = $"SELECT count(*) FROM {table} WHERE tenant = $tenant";
            command.Parameters.AddWithValue("$tenant", tenant);
            return ValueTask.FromResult(StorageResult<long>.Success((long)command.ExecuteScalar()!));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<StorageResult<long>>(database.Fail(ex, operation));
        }
    }
}
