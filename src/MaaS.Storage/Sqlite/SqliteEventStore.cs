using System.Runtime.CompilerServices;

namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IEventStore"/>. Microsoft.Data.Sqlite runs I/O synchronously under the async API.</summary>
internal sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    private const string Columns = "event_id, user_id, item_id, type, value, ts";

    /// <summary>One keyset page of <see cref="StreamAllAsync"/> (internal for the query-plan test).</summary>
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

    public async ValueTask<Result<AppendResult>> AppendAsync(
        string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Events(events)) is { } invalid)
        {
            return invalid;
        }
        if (events.Count == 0)
        {
            return new AppendResult(0, 0);
        }
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

    public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId") ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<InteractionEvent>>>(invalid);
        }
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
                list.Add(ReadEvent(reader, 0));
            }
            return ValueTask.FromResult(Result<IReadOnlyList<InteractionEvent>>.Ok(list));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return ValueTask.FromResult<Result<IReadOnlyList<InteractionEvent>>>(database.Fail(ex, "history"));
        }
    }

    public ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<string>>>(invalid);
        }
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

    public async IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(
        string tenant, DateTimeOffset? since = null, int batchSize = 5_000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(batchSize, nameof(batchSize))) is { } invalid)
        {
            throw new ArgumentException(invalid.Message, invalid.Problems[0].Field);
        }
        // Upper bound fixed at the start: events arriving while streaming are left to the next rebuild, so a busy
        // writer cannot keep a rebuild running forever.
        long last = 0, end;
        using (var connection = database.OpenReader())
        using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT coalesce(max(seq), 0) FROM events";
            end = (long)max.ExecuteScalar()!;
        }
        while (last < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new List<InteractionEvent>(Math.Min(batchSize, 1024));
            // Keyset page on the rowid: each page is its own short read, so no snapshot pins the WAL between pages.
            // NOT INDEXED keeps the planner on the rowid range (it would otherwise pick the (tenant, event_id) index
            // and sort every page); the tenant is filtered on the row. Other tenants' rows in the range are read and
            // skipped: a rebuild reads the whole log anyway, and no index has to be kept up to date on every append.
            using (var connection = database.OpenReader())
            using (var command = connection.CreateCommand())
            {
                command.CommandText = since is null ? StreamSql : StreamSinceSql;
                command.Parameters.AddWithValue("$tenant", tenant);
                command.Parameters.AddWithValue("$after", last);
                command.Parameters.AddWithValue("$end", end);
                command.Parameters.AddWithValue("$limit", batchSize);
                if (since is { } s)
                {
                    command.Parameters.AddWithValue("$since", TimeCodec.ToUnixMs(s));
                }
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    last = reader.GetInt64(0);
                    batch.Add(ReadEvent(reader, 1));
                }
            }
            if (batch.Count == 0)
            {
                yield break;
            }
            yield return batch;
            if (batch.Count < batchSize)
            {
                yield break;
            }
            await Task.Yield();
        }
    }

    public async ValueTask<Result<EraseResult>> EraseUserAsync(
        string tenant, string userId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid)
        {
            return invalid;
        }
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

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        SqliteQueries.Count(database, tenant, "events", "count events");

    internal static InteractionEvent ReadEvent(SqliteDataReader reader, int offset) => new(
        reader.GetString(offset),
        reader.GetString(offset + 1),
        reader.GetString(offset + 2),
        reader.GetString(offset + 3),
        (float)reader.GetDouble(offset + 4),
        TimeCodec.FromUnixMs(reader.GetInt64(offset + 5)));
}
