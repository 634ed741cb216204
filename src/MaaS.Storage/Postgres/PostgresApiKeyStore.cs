namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="IApiKeyStore"/>.</summary>
internal sealed class PostgresApiKeyStore(PostgresDatabase database) : ValidatedApiKeyStore
{
    private readonly string _insertSql =
        $"INSERT INTO {database.Schema}.api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key_id) DO NOTHING RETURNING {Columns}";
    private readonly string _findSql = $"SELECT {Columns} FROM {database.Schema}.api_keys WHERE key_id = $1";
    private readonly string _listSql = $"SELECT {Columns} FROM {database.Schema}.api_keys WHERE tenant = $1 ORDER BY created_at, key_id LIMIT $2";
    private readonly string _listAfterSql = $"""
        SELECT {Columns} FROM {database.Schema}.api_keys
        WHERE tenant = $1 AND (created_at, key_id) > (SELECT created_at, key_id FROM {database.Schema}.api_keys WHERE key_id = $3 AND tenant = $1)
        ORDER BY created_at, key_id LIMIT $2
        """;
    private readonly string _revokeSql =
        $"UPDATE {database.Schema}.api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE key_id = $1 AND tenant = $2 RETURNING {Columns}";
    private readonly string _countAdminsSql =
        $"SELECT count(*) FROM {database.Schema}.api_keys WHERE tenant = $1 AND revoked_at IS NULL AND 'admin' = ANY (string_to_array(roles, ','))";

    protected override async ValueTask<Result<ApiKeyRecord>> CreateCoreAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("create key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_insertSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.KeyId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.Name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SecurityValidator.Roles(key.Roles) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key.SecretHash });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(key.CreatedAt) });
            command.Parameters.Add(new NpgsqlParameter { Value = key.RevokedAt is { } r ? TimeCodec.ToUtcDateTime(r) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Limits.RequestsPerSecond ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Limits.Burst ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)key.Limits.MaxConcurrentRequests ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            return await ReadOneAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } created ? created : Error.Invalid("KeyId", "exists already");
    }

    protected override async ValueTask<Result<ApiKeyRecord>> FindCoreAsync(string keyId, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("find key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_findSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId });
            return await ReadOneAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } key ? key : Error.NotFound("key");
    }

    protected override async ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListCoreAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("list keys", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(afterKeyId is null ? _listSql : _listAfterSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            if (afterKeyId is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterKeyId });
            }
            return await PostgresQueries.ReadAllAsync(command, Read, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<ApiKeyRecord>> RevokeCoreAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var result = await database.RunAsync("revoke key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_revokeSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(at) });
            return await ReadOneAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } key ? key : SecurityValidator.NoSuchKeyInTenant;
    }

    protected override ValueTask<Result<long>> CountActiveAdminsCoreAsync(string tenant, CancellationToken cancellationToken) =>
        PostgresQueries.CountAsync(database, tenant, _countAdminsSql, "count admin keys", cancellationToken);

    // key_id is the primary key: at most one row.
    private static async Task<ApiKeyRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct) =>
        (await PostgresQueries.ReadAllAsync(command, Read, ct).ConfigureAwait(false)).FirstOrDefault();

    private static ApiKeyRecord Read(NpgsqlDataReader row) =>
        ReadKey(row, static (r, i) => TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(i)));
}
