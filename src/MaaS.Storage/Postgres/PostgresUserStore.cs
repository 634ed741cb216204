namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="IUserStore"/>; rows are maintained by <see cref="PostgresEventStore"/>.</summary>
internal sealed class PostgresUserStore : IUserStore
{
    private readonly PostgresDatabase _database;
    private readonly string _getSql, _pageSql, _countSql;

    public PostgresUserStore(PostgresDatabase database)
    {
        _database = database;
        var s = database.Schema;
        _getSql = $"SELECT user_id, first_seen, last_seen FROM {s}.users WHERE tenant = $1 AND user_id = $2";
        _pageSql = $"SELECT user_id, first_seen, last_seen FROM {s}.users WHERE tenant = $1 AND user_id > $2 ORDER BY user_id LIMIT $3";
        _countSql = $"SELECT count(*) FROM {s}.users WHERE tenant = $1";
    }

    public async ValueTask<Result<UserRecord>> GetAsync(string tenant, string userId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("get user", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_getSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } user ? user : Error.NotFound("user");
    }

    public async ValueTask<Result<IReadOnlyList<UserRecord>>> ListAsync(
        string tenant, string? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.OptionalId(afterUserId, "afterUserId") ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("list users", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_pageSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterUserId ?? string.Empty });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<UserRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }
            return list;
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        PostgresQueries.CountAsync(_database, tenant, _countSql, "count users", cancellationToken);

    private static UserRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        TimeCodec.FromUtcDateTime(reader.GetFieldValue<DateTime>(1)),
        TimeCodec.FromUtcDateTime(reader.GetFieldValue<DateTime>(2)));
}
