namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IEventStore"/>. Microsoft.Data.Sqlite runs I/O synchronously under the async API.</summary>
internal sealed class SqliteEventStore(SqliteDatabase database) : ValidatedEventStore
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
    internal const string ItemsSql = $"SELECT DISTINCT item_id FROM events WHERE user_key = ({SqliteQueries.UserKeySql})";

    protected override async ValueTask<Result<AppendResult>> AppendCoreAsync(string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken)
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
        ReadUserRowsAsync("history", HistorySql, tenant, userId, limit, static row => Read(row, 0), cancellationToken);

    protected override ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken) =>
        ReadUserRowsAsync("user items", ItemsSql, tenant, userId, null, static row => row.GetString(0), cancellationToken);

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
            batch.Add(Read(reader, 1));
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

    private static InteractionEvent Read(SqliteDataReader row, int offset) =>
        ReadEvent(row, offset, static (r, i) => TimeCodec.FromUnixMs(r.GetInt64(i)));
}
