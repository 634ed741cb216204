namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IUserStore"/>; rows are maintained by <see cref="SqliteEventStore"/>, first and last seen come from the user's events.</summary>
internal sealed class SqliteUserStore(SqliteDatabase database) : IUserStore
{
    public ValueTask<Result<UserRecord>> GetAsync(string tenant, string userId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid)
        {
            return ValueTask.FromResult<Result<UserRecord>>(invalid);
        }
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = $"{SqliteQueries.UserSpanSql} WHERE u.tenant = $tenant AND u.user_id = $user";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$user", userId);
            using var reader = command.ExecuteReader();
            return ValueTask.FromResult(reader.Read() && HasEvents(reader) ? Result<UserRecord>.Ok(Read(reader)) : Error.NotFound("user"));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<UserRecord>>(database.Fail(ex, "get user"));
        }
    }

    public ValueTask<Result<IReadOnlyList<UserRecord>>> ListAsync(
        string tenant, string? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.OptionalId(afterUserId, "afterUserId") ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<UserRecord>>>(invalid);
        }
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = $"{SqliteQueries.UserSpanSql} WHERE u.tenant = $tenant AND u.user_id > $after ORDER BY u.user_id LIMIT $limit";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", afterUserId ?? string.Empty);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var list = new List<UserRecord>();
            while (reader.Read())
            {
                if (HasEvents(reader))
                {
                    list.Add(Read(reader));
                }
            }
            return ValueTask.FromResult(Result<IReadOnlyList<UserRecord>>.Ok(list));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyList<UserRecord>>>(database.Fail(ex, "list users"));
        }
    }

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "users", "count users");

    /// <summary>A user row always has events (both are written and erased together); this only guards the spans.</summary>
    private static bool HasEvents(SqliteDataReader reader) => !reader.IsDBNull(1);

    private static UserRecord Read(SqliteDataReader reader) =>
        new(reader.GetString(0), TimeCodec.FromUnixMs(reader.GetInt64(1)), TimeCodec.FromUnixMs(reader.GetInt64(2)));
}
