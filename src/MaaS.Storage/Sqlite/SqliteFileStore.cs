namespace MaaS.Storage.Sqlite;

/// <summary>
/// SQLite <see cref="IFileStore"/>: a file's row holds its bytes; a quota's check and the write run on the one writer
/// connection, so two uploads cannot both pass it. A file whose expiry has passed reads as gone (and counts toward no
/// quota) until <see cref="PurgeExpiredAsync"/> deletes it.
/// </summary>
internal sealed class SqliteFileStore(SqliteDatabase database) : IFileStore
{
    private const string Columns = "file_id, tenant, filename, purpose, bytes, created_at, expires_at";

    // Not expired at $now (Unix ms).
    private const string Live = "(expires_at IS NULL OR expires_at > $now)";

    /// <summary>One batch of the expiry sweep: a range of ix_files_expiry, soonest first (internal for the query-plan test).</summary>
    internal const string PurgeExpiredSql = """
        DELETE FROM files WHERE file_id IN (SELECT file_id FROM files INDEXED BY ix_files_expiry WHERE expires_at <= $now ORDER BY expires_at LIMIT $limit)
        """;

    public ValueTask<Result<FileRecord>> PutAsync(NewFile file, ReadOnlyMemory<byte> content, FileQuota? quota, CancellationToken cancellationToken = default)
    {
        if (FileCodec.New(file) is { } invalid)
        {
            return ValueTask.FromResult<Result<FileRecord>>(invalid);
        }

        byte[] data = content.ToArray();
        return database.WriteAsync<FileRecord>("store file", (connection, tx) =>
        {
            long now = Now();
            if (quota is not null)
            {
                using var count = SqliteQueries.Command(connection, tx, $"SELECT count(*), coalesce(sum(bytes), 0) FROM files WHERE tenant = $tenant AND file_id <> $id AND {Live}");
                count.Parameters.AddWithValue("$tenant", file.Tenant);
                count.Parameters.AddWithValue("$id", file.Id);
                count.Parameters.AddWithValue("$now", now);
                using var reader = count.ExecuteReader();
                reader.Read();
                if (FileCodec.OverQuota(reader.GetInt64(0), reader.GetInt64(1), data.Length, quota) is { } over)
                {
                    return over;
                }
            }

            // The expiry's anchor is the first creation time, which a replacement keeps.
            using var command = SqliteQueries.Command(connection, tx, """
                INSERT INTO files (file_id, tenant, filename, purpose, bytes, created_at, expires_at, data)
                VALUES ($id, $tenant, $filename, $purpose, $bytes, $now, $now + $after, $data)
                ON CONFLICT (file_id) DO UPDATE SET filename = excluded.filename, purpose = excluded.purpose, bytes = excluded.bytes, data = excluded.data,
                    expires_at = files.created_at + $after
                WHERE files.tenant = excluded.tenant
                """);
            command.Parameters.AddWithValue("$id", file.Id);
            command.Parameters.AddWithValue("$tenant", file.Tenant);
            command.Parameters.AddWithValue("$filename", file.Filename);
            command.Parameters.AddWithValue("$purpose", file.Purpose);
            command.Parameters.AddWithValue("$bytes", (long)data.Length);
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$after", FileCodec.ExpiresAfterMs(file) is { } after ? after : DBNull.Value);
            command.Parameters.AddWithValue("$data", data);
            return command.ExecuteNonQuery() == 1 && Get(connection, tx, file.Tenant, file.Id, long.MinValue) is { } stored
                ? stored
                : new Error(ErrorCode.Conflict, "a file of this id belongs to another tenant", []);
        }, cancellationToken);
    }

    public ValueTask<Result<FileRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default) =>
        !FileCodec.IsId(id)
            ? ValueTask.FromResult<Result<FileRecord>>(Error.NotFound("file"))
            : database.ReadAsync<FileRecord>("get file", connection => Get(connection, null, tenant, id, Now()) is { } file ? file : Error.NotFound("file"));

    public ValueTask<Result<byte[]>> GetContentAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!FileCodec.IsId(id))
        {
            return ValueTask.FromResult<Result<byte[]>>(Error.NotFound("file"));
        }

        return database.ReadAsync<byte[]>("get file content", connection =>
        {
            using var command = SqliteQueries.Command(connection, null, $"SELECT data FROM files WHERE file_id = $id AND tenant = $tenant AND {Live}");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$now", Now());
            return command.ExecuteScalar() is byte[] data ? data : Error.NotFound("file");
        });
    }

    public ValueTask<Result<IReadOnlyList<FileRecord>>> ListAsync(
        string tenant, string? purpose, FileCursor? after, bool ascending, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<FileRecord>>>(invalid);
        }

        string order = ascending ? "ASC" : "DESC", beyond = ascending ? ">" : "<";
        return database.ReadAsync<IReadOnlyList<FileRecord>>("list files", connection =>
        {
            using var command = SqliteQueries.Command(connection, null, $"""
                SELECT {Columns} FROM files WHERE tenant = $tenant AND {Live}{(purpose is null ? "" : " AND purpose = $purpose")}{(after is null ? "" : $" AND (created_at, file_id) {beyond} ($at, $id)")}
                ORDER BY created_at {order}, file_id {order} LIMIT $limit
                """);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$purpose", (object?)purpose ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", after is null ? DBNull.Value : TimeCodec.ToUnixMs(after.CreatedAt));
            command.Parameters.AddWithValue("$id", (object?)after?.Id ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            command.Parameters.AddWithValue("$now", Now());
            return Read(command);
        });
    }

    public ValueTask<Result<FileRecord>> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!FileCodec.IsId(id))
        {
            return ValueTask.FromResult<Result<FileRecord>>(Error.NotFound("file"));
        }

        return database.WriteAsync<FileRecord>("delete file", (connection, tx) =>
        {
            if (Get(connection, tx, tenant, id, Now()) is not { } file)
            {
                return Error.NotFound("file");
            }

            using var command = SqliteQueries.Command(connection, tx, "DELETE FROM files WHERE file_id = $id AND tenant = $tenant");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.ExecuteNonQuery();
            return file;
        }, cancellationToken);
    }

    public ValueTask<Result<int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        database.WriteAsync<int>("purge expired files", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, PurgeExpiredSql);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(now));
            command.Parameters.AddWithValue("$limit", Math.Max(limit, 0));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static long Now() => TimeCodec.ToUnixMs(DateTimeOffset.UtcNow);

    // The tenant's file unless it expired by now (Unix ms; long.MinValue: even an expired one).
    private static FileRecord? Get(SqliteConnection connection, SqliteTransaction? tx, string tenant, string id, long now)
    {
        using var command = SqliteQueries.Command(connection, tx, $"SELECT {Columns} FROM files WHERE file_id = $id AND tenant = $tenant AND {Live}");
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$now", now);
        return Read(command).FirstOrDefault();
    }

    private static List<FileRecord> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var files = new List<FileRecord>();
        while (reader.Read())
        {
            files.Add(new FileRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), TimeCodec.FromUnixMs(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : TimeCodec.FromUnixMs(reader.GetInt64(6))));
        }

        return files;
    }
}
