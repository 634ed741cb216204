namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="IFileStore"/>: a file's row holds its bytes (bytea); creation times in milliseconds, as SQLite keeps them and as cursors carry them. A write with a quota takes a
/// transaction-scoped advisory lock per tenant and schema, so two replicas' uploads cannot both pass the check. A file
/// whose expiry has passed (by the server's clock) reads as gone and counts toward no quota until
/// <see cref="PurgeExpiredAsync"/> deletes it.
/// </summary>
internal sealed class PostgresFileStore(PostgresDatabase database) : IFileStore
{
    private const string Columns = "file_id, tenant, filename, purpose, bytes, created_at, expires_at";

    // Not expired at the statement's time.
    private const string Live = "(expires_at IS NULL OR expires_at > now())";

    private readonly string _s = database.Schema;

    public async ValueTask<Result<FileRecord>> PutAsync(NewFile file, ReadOnlyMemory<byte> content, FileQuota? quota, CancellationToken cancellationToken = default)
    {
        if (FileCodec.New(file) is { } invalid)
        {
            return invalid;
        }

        byte[] data = content.ToArray();
        var stored = await database.RunAsync<Result<FileRecord>>("store file", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (quota is not null)
            {
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
                {
                    Add(lockCommand, $"maas.files:{_s}:{file.Tenant}");
                    await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await using var count = new NpgsqlCommand($"SELECT count(*), coalesce(sum(bytes), 0)::bigint FROM {_s}.files WHERE tenant = $1 AND file_id <> $2 AND {Live}", connection, tx);
                Add(count, file.Tenant, file.Id);
                await using var reader = await count.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                if (FileCodec.OverQuota(reader.GetInt64(0), reader.GetInt64(1), data.Length, quota) is { } over)
                {
                    return over;
                }
            }

            int written;
            // The expiry's anchor is the first creation time, which a replacement keeps.
            await using (var command = new NpgsqlCommand($"""
                INSERT INTO {_s}.files (file_id, tenant, filename, purpose, bytes, created_at, expires_at, data)
                SELECT $1, $2, $3, $4, $5, at, at + $7 * interval '1 millisecond', $6 FROM (SELECT date_trunc('milliseconds', clock_timestamp()) AS at) AS clock
                ON CONFLICT (file_id) DO UPDATE SET filename = excluded.filename, purpose = excluded.purpose, bytes = excluded.bytes, data = excluded.data,
                    expires_at = {_s}.files.created_at + $7 * interval '1 millisecond'
                WHERE {_s}.files.tenant = excluded.tenant
                """, connection, tx))
            {
                Add(command, file.Id, file.Tenant, file.Filename, file.Purpose, (long)data.Length);
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = data });
                command.Parameters.Add(new NpgsqlParameter { Value = FileCodec.ExpiresAfterMs(file) is { } after ? after : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
                written = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (written != 1)
            {
                return new Error(ErrorCode.Conflict, "a file of this id belongs to another tenant", []);
            }

            var files = await QueryAsync(connection, tx, $"SELECT {Columns} FROM {_s}.files WHERE file_id = $1", ct, file.Id).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return files[0];
        }, cancellationToken).ConfigureAwait(false);
        return stored.IsSuccess ? stored.Value : stored.Error;
    }

    public async ValueTask<Result<FileRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!FileCodec.IsId(id))
        {
            return Error.NotFound("file");
        }

        var found = await database.RunAsync("get file", (connection, ct) =>
            QueryAsync(connection, null, $"SELECT {Columns} FROM {_s}.files WHERE file_id = $1 AND tenant = $2 AND {Live}", ct, id, tenant), cancellationToken).ConfigureAwait(false);
        return !found.IsSuccess ? found.Error : found.Value.Count > 0 ? found.Value[0] : Error.NotFound("file");
    }

    public async ValueTask<Result<byte[]>> GetContentAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!FileCodec.IsId(id))
        {
            return Error.NotFound("file");
        }

        var found = await database.RunAsync("get file content", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT data FROM {_s}.files WHERE file_id = $1 AND tenant = $2 AND {Live}", connection);
            Add(command, id, tenant);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[];
        }, cancellationToken).ConfigureAwait(false);
        return !found.IsSuccess ? found.Error : found.Value is { } data ? data : Error.NotFound("file");
    }

    public async ValueTask<Result<IReadOnlyList<FileRecord>>> ListAsync(
        string tenant, string? purpose, FileCursor? after, bool ascending, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }

        var values = new List<NpgsqlParameter> { new NpgsqlParameter<string> { TypedValue = tenant }, new NpgsqlParameter<int> { TypedValue = limit } };
        var where = new StringBuilder($"tenant = $1 AND {Live}");
        if (purpose is not null)
        {
            values.Add(new NpgsqlParameter<string> { TypedValue = purpose });
            where.Append(CultureInfo.InvariantCulture, $" AND purpose = ${values.Count}");
        }
        if (after is not null)
        {
            values.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(after.CreatedAt) });
            values.Add(new NpgsqlParameter<string> { TypedValue = after.Id });
            where.Append(CultureInfo.InvariantCulture, $" AND (created_at, file_id) {(ascending ? ">" : "<")} (${values.Count - 1}, ${values.Count})");
        }
        string order = ascending ? "ASC" : "DESC";
        string sql = $"SELECT {Columns} FROM {_s}.files WHERE {where} ORDER BY created_at {order}, file_id {order} LIMIT $2";
        var found = await database.RunAsync("list files", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            // A retry runs this again: each attempt binds its own copies.
            command.Parameters.AddRange(values.Select(v => v.Clone()).ToArray());
            return await ReadAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? found.Value : found.Error;
    }

    public async ValueTask<Result<FileRecord>> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!FileCodec.IsId(id))
        {
            return Error.NotFound("file");
        }

        var deleted = await database.RunAsync("delete file", (connection, ct) =>
            QueryAsync(connection, null, $"DELETE FROM {_s}.files WHERE file_id = $1 AND tenant = $2 AND {Live} RETURNING {Columns}", ct, id, tenant), cancellationToken).ConfigureAwait(false);
        return !deleted.IsSuccess ? deleted.Error : deleted.Value.Count > 0 ? deleted.Value[0] : Error.NotFound("file");
    }

    public async ValueTask<Result<int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var purged = await database.RunAsync("purge expired files", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                DELETE FROM {_s}.files WHERE file_id IN (SELECT file_id FROM {_s}.files WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(now) });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(limit, 0) });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return purged.IsSuccess ? purged.Value : purged.Error;
    }

    private static void Add(NpgsqlCommand command, params object?[] values)
    {
        foreach (object? value in values)
        {
            command.Parameters.Add(value switch
            {
                string text => new NpgsqlParameter<string> { TypedValue = text },
                long number => new NpgsqlParameter<long> { TypedValue = number },
                _ => throw new ArgumentException($"unsupported parameter type {value?.GetType().Name}", nameof(values)),
            });
        }
    }

    private static async Task<List<FileRecord>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        Add(command, values);
        return await ReadAsync(command, ct).ConfigureAwait(false);
    }

    private static async Task<List<FileRecord>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var files = new List<FileRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            files.Add(new FileRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return files;
    }
}
