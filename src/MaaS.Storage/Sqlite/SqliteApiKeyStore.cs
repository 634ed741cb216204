namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IApiKeyStore"/>.</summary>
internal sealed class SqliteApiKeyStore(SqliteDatabase database) : ValidatedApiKeyStore
{
    protected override ValueTask<Result<ApiKeyRecord>> CreateCoreAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        database.WriteAsync<ApiKeyRecord>("create key", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"INSERT INTO api_keys ({Columns}) VALUES ($id, $tenant, $name, $roles, $hash, $created, $revoked, $rps, $burst, $conc) ON CONFLICT (key_id) DO NOTHING";
            command.Parameters.AddWithValue("$id", key.KeyId);
            command.Parameters.AddWithValue("$tenant", key.Tenant);
            command.Parameters.AddWithValue("$name", key.Name);
            command.Parameters.AddWithValue("$roles", SecurityValidator.Roles(key.Roles));
            command.Parameters.AddWithValue("$hash", key.SecretHash);
            command.Parameters.AddWithValue("$created", TimeCodec.ToUnixMs(key.CreatedAt));
            command.Parameters.AddWithValue("$revoked", key.RevokedAt is { } r ? TimeCodec.ToUnixMs(r) : DBNull.Value);
            command.Parameters.AddWithValue("$rps", (object?)key.Limits.RequestsPerSecond ?? DBNull.Value);
            command.Parameters.AddWithValue("$burst", (object?)key.Limits.Burst ?? DBNull.Value);
            command.Parameters.AddWithValue("$conc", (object?)key.Limits.MaxConcurrentRequests ?? DBNull.Value);
            if (command.ExecuteNonQuery() == 0)
            {
                return Error.Invalid("KeyId", "exists already");
            }
            return Find(connection, tx, key.KeyId)!;
        }, cancellationToken);

    protected override ValueTask<Result<ApiKeyRecord>> FindCoreAsync(string keyId, CancellationToken cancellationToken) =>
        database.ReadAsync<ApiKeyRecord>("find key", connection =>
            Find(connection, null, keyId) is { } key ? key : Error.NotFound("key"));

    protected override ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListCoreAsync(string tenant, string? afterKeyId, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApiKeyRecord>>("list keys", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = afterKeyId is null
                ? $"SELECT {Columns} FROM api_keys WHERE tenant = $tenant ORDER BY created_at, key_id LIMIT $limit"
                : $"""
                    SELECT {Columns} FROM api_keys
                    WHERE tenant = $tenant AND (created_at, key_id) > (SELECT created_at, key_id FROM api_keys WHERE key_id = $after AND tenant = $tenant)
                    ORDER BY created_at, key_id LIMIT $limit
                    """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", (object?)afterKeyId ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var list = new List<ApiKeyRecord>();
            while (reader.Read())
            {
                list.Add(Read(reader));
            }
            return list;
        });

    protected override ValueTask<Result<ApiKeyRecord>> RevokeCoreAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync<ApiKeyRecord>("revoke key", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $at) WHERE key_id = $id AND tenant = $tenant";
            command.Parameters.AddWithValue("$at", TimeCodec.ToUnixMs(at));
            command.Parameters.AddWithValue("$id", keyId);
            command.Parameters.AddWithValue("$tenant", tenant);
            if (command.ExecuteNonQuery() == 0)
            {
                return SecurityValidator.NoSuchKeyInTenant;
            }
            return Find(connection, tx, keyId)!;
        }, cancellationToken);

    protected override ValueTask<Result<long>> CountActiveAdminsCoreAsync(string tenant, CancellationToken cancellationToken) =>
        database.ReadAsync<long>("count admin keys", connection =>
        {
            using var command = connection.CreateCommand();
            // Roles are stored sorted and comma-joined, so 'admin' is a whole element exactly when it starts the list.
            command.CommandText = "SELECT count(*) FROM api_keys WHERE tenant = $tenant AND revoked_at IS NULL AND (roles = 'admin' OR roles LIKE 'admin,%')";
            command.Parameters.AddWithValue("$tenant", tenant);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });

    private static ApiKeyRecord? Find(SqliteConnection connection, SqliteTransaction? tx, string keyId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {Columns} FROM api_keys WHERE key_id = $id";
        command.Parameters.AddWithValue("$id", keyId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static ApiKeyRecord Read(SqliteDataReader row) => ReadKey(row, static (r, i) => TimeCodec.FromUnixMs(r.GetInt64(i)));
}
