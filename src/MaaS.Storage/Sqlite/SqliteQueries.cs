namespace MaaS.Storage.Sqlite;

internal static class SqliteQueries
{
    /// <summary>The key of user ($tenant, $user), as a scalar subquery (NULL when unknown).</summary>
    public const string UserKeySql = "SELECT user_key FROM users WHERE tenant = $tenant AND user_id = $user";

    /// <summary>
    /// A user's first and last seen: the two ends of its range in ix_events_user (user_key, ts), one index seek
    /// each. Selects user_id, first, last from users u.
    /// </summary>
    public const string UserSpanSql =
        "SELECT u.user_id, (SELECT min(ts) FROM events WHERE user_key = u.user_key), (SELECT max(ts) FROM events WHERE user_key = u.user_key) FROM users u";

    /// <summary>A command on <paramref name="connection"/> in <paramref name="tx"/> (none: autocommit); the caller disposes it.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command;
    }

    public static ValueTask<Result<long>> Count(SqliteDatabase database, string tenant, string table, string operation)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return ValueTask.FromResult<Result<long>>(invalid);
        }
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            // table is one of three constants from this assembly, never input.
            command.CommandText = $"SELECT count(*) FROM {table} WHERE tenant = $tenant";
            command.Parameters.AddWithValue("$tenant", tenant);
            return ValueTask.FromResult(Result<long>.Ok((long)command.ExecuteScalar()!));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<long>>(database.Fail(ex, operation));
        }
    }
}
