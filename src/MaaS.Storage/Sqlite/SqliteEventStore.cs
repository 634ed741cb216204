using MaaS.Storage.Privacy;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IEventStore"/>. Microsoft.Data.Sqlite runs I/O synchronously under the async API.</summary>
internal sealed class SqliteEventStore(SqliteDatabase database, PrivacyCodec privacy) : ValidatedEventStore(privacy)
{
    /// <summary>One keyset page of <see cref="ValidatedEventStore.StreamAllAsync"/> (internal for the query-plan test).</summary>
    internal const string StreamSql =
        $"SELECT seq, {Columns} FROM events NOT INDEXED WHERE tenant = $tenant AND seq > $after AND seq <= $end ORDER BY seq LIMIT $limit";

    internal const string StreamSinceSql =
        $"SELECT seq, {Columns} FROM events NOT INDEXED WHERE tenant = $tenant AND seq > $after AND seq <= $end AND ts >= $since ORDER BY seq LIMIT $limit";

    /// <summary>
    /// A user's latest events. ix_events_user (user_key, ts) carries the rowid, so this is a backward scan of one
    /// key's range, no sort (internal for the query-plan test).
    /// </summary>
    internal const string HistorySql =
        $"SELECT {Columns} FROM events WHERE user_key = ({SqliteQueries.UserKeySql}) ORDER BY ts DESC, seq DESC LIMIT $limit";

    /// <summary>
    /// A user's distinct items: the same seek of ix_events_user as <see cref="HistorySql"/>, one row lookup per event
    /// (internal for the query-plan test). A covering (user_key, item_id) index would make this an index-only walk,
    /// but as a fifth b-tree written on every append it nearly doubled ingestion CPU when measured.
    /// </summary>
    internal const string ItemsSql = $"SELECT {ItemColumns} FROM events WHERE user_key = ({SqliteQueries.UserKeySql})";

    /// <summary>
    /// One batch of expired events, read on a reader so the walk never holds the writer: the rowid range in order,
    /// the tenant and time filtered on the row (no index on ts: it would be a fifth b-tree written on every append).
    /// </summary>
    internal const string ExpiredSql =
        "SELECT seq, user_key FROM events NOT INDEXED WHERE tenant = $tenant AND ts < $before ORDER BY seq LIMIT $limit";

    protected override async ValueTask<Result<long>> PurgeBeforeCoreAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var expired = await database.ReadAsync<(List<long> Seqs, HashSet<long> Users)>("find expired", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = ExpiredSql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$before", TimeCodec.ToUnixMs(before));
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var seqs = new List<long>();
            var users = new HashSet<long>();
            while (reader.Read())
            {
                seqs.Add(reader.GetInt64(0));
                users.Add(reader.GetInt64(1));
            }
            return Result<(List<long>, HashSet<long>)>.Ok((seqs, users));
        }).ConfigureAwait(false);
        if (!expired.TryGetValue(out var found, out var error))
        {
            return error;
        }
        if (found.Seqs.Count == 0)
        {
            return 0L;
        }
        return await database.WriteAsync<long>("purge", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            // The ts test again: a row is never deleted for an age it no longer has (an event id re-appended after an erase).
            command.CommandText = "DELETE FROM events WHERE seq IN (SELECT value FROM json_each($seqs)) AND ts < $before";
            command.Parameters.AddWithValue("$seqs", JsonArray(found.Seqs));
            command.Parameters.AddWithValue("$before", TimeCodec.ToUnixMs(before));
            long deleted = command.ExecuteNonQuery();
            command.CommandText = """
                DELETE FROM users WHERE user_key IN (SELECT value FROM json_each($users))
                    AND NOT EXISTS (SELECT 1 FROM events WHERE events.user_key = users.user_key)
                """;
            command.Parameters.AddWithValue("$users", JsonArray(found.Users));
            command.ExecuteNonQuery();
            return Result<long>.Ok(deleted);
        }, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<string>>("list tenants", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT tenant FROM users ORDER BY tenant";
            using var reader = command.ExecuteReader();
            var list = new List<string>();
            while (reader.Read())
            {
                list.Add(reader.GetString(0));
            }
            return Result<IReadOnlyList<string>>.Ok(list);
        });

    protected override async ValueTask<Result<AppendResult>> AppendCoreAsync(string tenant, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            var inserted = await database.WriteAsync(
                (_, _) => SqliteMutations.InsertEvents(database.WriterCommands, tenant, events), cancellationToken).ConfigureAwait(false);
            return new AppendResult(events.Count, inserted);
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return database.Fail(ex, "append");
        }
    }

    protected override ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryCoreAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken) =>
        ReadUserRowsAsync("history", HistorySql, tenant, userId, limit, row => Read(row, 0, tenant), cancellationToken);

    protected override async ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var rows = await ReadUserRowsAsync("user items", ItemsSql, tenant, userId, null, row => ReadItemId(row, tenant), cancellationToken).ConfigureAwait(false);
        return rows.TryGetValue(out var items, out var error) ? items.Distinct(StringComparer.Ordinal).ToList() : error;
    }

    protected override Task<long> MaxSequenceAsync(CancellationToken cancellationToken)
    {
        using var connection = database.OpenReader();
        using var max = connection.CreateCommand();
        max.CommandText = "SELECT coalesce(max(seq), 0) FROM events";
        return Task.FromResult((long)max.ExecuteScalar()!);
    }

    protected override async Task<(List<InteractionEvent> Events, long Last)> PageAsync(
        string tenant, DateTimeOffset? since, long after, long end, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A page is one synchronous read: yielding first keeps a long walk from holding the caller's thread throughout.
        await Task.Yield();
        var batch = new List<InteractionEvent>(Math.Min(limit, 1024));
        long last = after;
        // Keyset page on the rowid: each page is its own short read, so no snapshot pins the WAL between pages.
        // NOT INDEXED keeps the planner on the rowid range (it would otherwise pick the (tenant, event_id) index
        // and sort every page); the tenant is filtered on the row. Other tenants' rows in the range are read and
        // skipped: a rebuild reads the whole log anyway, and no index has to be kept up to date on every append.
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = since is null ? StreamSql : StreamSinceSql;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$end", end);
        command.Parameters.AddWithValue("$limit", limit);
        if (since is { } s)
        {
            command.Parameters.AddWithValue("$since", TimeCodec.ToUnixMs(s));
        }
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            batch.Add(Read(reader, 1, tenant));
        }
        return (batch, last);
    }

    protected override async ValueTask<Result<EraseResult>> EraseUserCoreAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(
                (connection, tx) => SqliteMutations.EraseUser(connection, tx, tenant, userId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return database.Fail(ex, "erase");
        }
    }

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "events", "count events");

    // Every row of one of a user's queries ($tenant, $user and, when given, $limit bound) on a pooled reader.
    private ValueTask<Result<IReadOnlyList<T>>> ReadUserRowsAsync<T>(
        string operation, string sql, string tenant, string userId, int? limit, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<T>>(operation, connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$user", userId);
            if (limit is { } rows)
            {
                command.Parameters.AddWithValue("$limit", rows);
            }
            using var reader = command.ExecuteReader();
            var list = new List<T>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                list.Add(read(reader));
            }
            return Result<IReadOnlyList<T>>.Ok(list);
        });

    private static string JsonArray(IEnumerable<long> values) => "[" + string.Join(',', values) + "]";

    private InteractionEvent Read(SqliteDataReader row, int offset, string tenant) =>
        ReadEvent(row, offset, tenant, static (r, i) => TimeCodec.FromUnixMs(r.GetInt64(i)));
}
