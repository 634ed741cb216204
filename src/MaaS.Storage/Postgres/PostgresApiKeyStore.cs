using MaaS.Core;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Validation;
using Npgsql;

namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="IApiKeyStore"/>.</summary>
internal sealed class PostgresApiKeyStore : IApiKeyStore
{
    private const string Columns = "key_id, tenant, name, roles, secret_hash, created_at, revoked_at, rps, burst, concurrency";
    private readonly PostgresDatabase _database;
    private readonly string _insertSql, _findSql, _listSql, _revokeSql, _countAdminsSql;

    public PostgresApiKeyStore(PostgresDatabase database)
    {
        _database = database;
        var s = database.Schema;
        _insertSql = $"INSERT INTO {s}.api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key_id) DO NOTHING RETURNING {Columns}";
        _findSql = $"SELECT {Columns} FROM {s}.api_keys WHERE key_id = $1";
        _listSql = $"SELECT {Columns} FROM {s}.api_keys WHERE tenant = $1 ORDER BY created_at, key_id";
        _revokeSql = $"UPDATE {s}.api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE key_id = $1 AND tenant = $2 RETURNING {Columns}";
        _countAdminsSql = $"SELECT count(*) FROM {s}.api_keys WHERE tenant = $1 AND revoked_at IS NULL AND 'admin' = ANY (string_to_array(roles, ','))";
    }

    public async ValueTask<Result<ApiKeyRecord>> CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.Key(key) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("create key", async (connection, ct) =>
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

    public async ValueTask<Result<ApiKeyRecord>> FindAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (SecurityValidator.KeyId(keyId) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("find key", async (connection, ct) =>
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

    public async ValueTask<Result<IReadOnlyList<ApiKeyRecord>>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        if (InputValidator.Tenant(tenant) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("list keys", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_listSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<ApiKeyRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(Read(reader));
            }
            return list;
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<ApiKeyRecord>> RevokeAsync(string tenant, string keyId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? SecurityValidator.KeyId(keyId)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("revoke key", async (connection, ct) =>
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

    public ValueTask<Result<long>> CountActiveAdminsAsync(string tenant, CancellationToken cancellationToken = default) =>
        PostgresQueries.CountAsync(_database, tenant, _countAdminsSql, "count admin keys", cancellationToken);

    private static async Task<ApiKeyRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        SecurityValidator.Roles(r.GetString(3)),
        r.GetString(4),
        TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(5)),
        r.IsDBNull(6) ? null : TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(6)),
        new ApiKeyLimits(
            r.IsDBNull(7) ? null : r.GetDouble(7),
            r.IsDBNull(8) ? null : r.GetInt32(8),
            r.IsDBNull(9) ? null : r.GetInt32(9)));
}
