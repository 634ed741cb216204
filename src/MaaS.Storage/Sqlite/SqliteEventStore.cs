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
        string tenant, string userId, int limit, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = HistorySql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$user", userId);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var list = new List<InteractionEvent>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                list.Add(Read(reader, 0));
            }
            return ValueTask.FromResult(Result<IReadOnlyList<InteractionEvent>>.Ok(list));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyList<InteractionEvent>>>(database.Fail(ex, "history"));
        }
    }

    protected override ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = ItemsSql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$user", userId);
            using var reader = command.ExecuteReader();
            var items = new List<string>();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                items.Add(reader.GetString(0));
            }
            return ValueTask.FromResult(Result<IReadOnlyList<string>>.Ok(items));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyList<string>>>(database.Fail(ex, "user items"));
        }
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

    private static InteractionEvent Read(SqliteDataReader row, int offset) =>
        ReadEvent(row, offset, static (r, i) => TimeCodec.FromUnixMs(r.GetInt64(i)));
}
