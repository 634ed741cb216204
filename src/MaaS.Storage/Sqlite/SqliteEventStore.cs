namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IEventStore"/>. Microsoft.Data.Sqlite runs I/O synchronously under the async API.</summary>
internal sealed class SqliteEventStore(SqliteDatabase database, PrivacyCodec privacy) : ValidatedEventStore(privacy)
{
    /// <summary>One keyset page of <see cref="ValidatedEventStore.StreamAllAsync"/> (internal for the query-plan test).</summary>
    internal const string StreamSql =
        $"SELECT seq, {Columns} FROM events NOT INDEXED WHERE tenant = $tenant AND seq > $after AND seq <= $end ORDER BY seq LIMIT $limit";

    /// <summary>One page of the feed: the rowid range walked as <see cref="StreamSinceSql"/> walks it, only what trending counts.</summary>
    internal const string FeedSql =
        "SELECT seq, ts, item_id, CASE WHEN sealed IS NULL THEN '' ELSE event_id END, sealed FROM events NOT INDEXED WHERE tenant = $tenant AND seq > $after AND seq <= $end AND ts >= $since ORDER BY seq LIMIT $limit";

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

    /// <summary>One batch of rows sealed under another key than the current one, past the cursor: a walk of the rowid range.</summary>
    internal const string StaleSealedSql =
        "SELECT seq, tenant, event_id, sealed FROM events NOT INDEXED WHERE seq > $after AND sealed IS NOT NULL AND substr(sealed, 1, $length) <> $prefix ORDER BY seq LIMIT $limit";

    // The writer runs the whole step, reads included: a batch is short, and no append can slip between the read and the
    // update of a row (an erased row is simply not found).
    protected override ValueTask<Result<ResealProgress>> ResealCoreAsync(int limit, CancellationToken cancellationToken) =>
        database.WriteAsync<ResealProgress>("reseal", (connection, tx) =>
        {
            string current = Privacy.CurrentKeyId!;
            byte[] prefix = Privacy.CurrentPrefix();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "SELECT value FROM privacy WHERE name = $name";
            command.Parameters.AddWithValue("$name", PrivacyState.ResealCursor);
            long after = PrivacyState.CursorOf(command.ExecuteScalar() as string, current);
            command.Parameters.Clear();
            command.CommandText = StaleSealedSql;
            command.Parameters.AddWithValue("$after", after);
            command.Parameters.AddWithValue("$length", prefix.Length);
            command.Parameters.AddWithValue("$prefix", prefix);
            command.Parameters.AddWithValue("$limit", limit);
            var seqs = new List<long>();
            var rows = new List<(string, string, byte[])>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    seqs.Add(reader.GetInt64(0));
                    rows.Add((reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
                }
            }
            if (!Resealed(rows).TryGetValue(out var blobs, out var failed))
            {
                return failed;
            }
            command.Parameters.Clear();
            command.CommandText = "UPDATE events SET sealed = $sealed WHERE seq = $seq";
            var sealedParameter = command.Parameters.Add("$sealed", SqliteType.Blob);
            var seqParameter = command.Parameters.Add("$seq", SqliteType.Integer);
            for (int i = 0; i < blobs.Length; i++)
            {
                sealedParameter.Value = blobs[i];
                seqParameter.Value = seqs[i];
                command.ExecuteNonQuery();
            }
            IReadOnlyList<string> retired = [];
            bool done = false;
            if (rows.Count < limit)
            {
                // Past the cursor all is current; a replica still sealing with an older key may have written behind
                // it, so the whole log is checked before the older keys are forgotten: once per rotation, since with
                // no older key recorded (every start after the retirement) there is nothing to check.
                command.Parameters.Clear();
                command.CommandText = """
                    SELECT NOT EXISTS (SELECT 1 FROM privacy WHERE name LIKE $pattern AND name <> $current)
                        OR NOT EXISTS (SELECT 1 FROM events WHERE sealed IS NOT NULL AND substr(sealed, 1, $length) <> $prefix)
                    """;
                command.Parameters.AddWithValue("$pattern", PrivacyState.EncryptionKeyPrefix + "%");
                command.Parameters.AddWithValue("$current", PrivacyState.EncryptionKeyPrefix + current);
                command.Parameters.AddWithValue("$length", prefix.Length);
                command.Parameters.AddWithValue("$prefix", prefix);
                done = (long)command.ExecuteScalar()! == 1;
                if (done)
                {
                    retired = Retire(command, current);
                }
            }
            command.Parameters.Clear();
            command.CommandText = "INSERT INTO privacy (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$name", PrivacyState.ResealCursor);
            command.Parameters.AddWithValue("$value", PrivacyState.Cursor(current, done || rows.Count == limit ? seqs.LastOrDefault(after) : 0));
            command.ExecuteNonQuery();
            return new ResealProgress(rows.Count, done, retired);
        }, cancellationToken);

    private static List<string> Retire(SqliteCommand command, string current)
    {
        command.Parameters.Clear();
        command.CommandText = "DELETE FROM privacy WHERE name LIKE $pattern AND name <> $current RETURNING name";
        command.Parameters.AddWithValue("$pattern", PrivacyState.EncryptionKeyPrefix + "%");
        command.Parameters.AddWithValue("$current", PrivacyState.EncryptionKeyPrefix + current);
        var retired = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            retired.Add(reader.GetString(0)[PrivacyState.EncryptionKeyPrefix.Length..]);
        }
        return retired;
    }

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

    // One writer: what a reader sees of the log has committed in sequence order, so its max is settled. The commit key
    // of an event is its sequence, and the position bounds it exclusively.
    public override ValueTask<Result<EventFeedHead>> GetFeedHeadAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync("event feed head", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT coalesce(max(seq), 0) FROM events; SELECT tenant, generation FROM event_erasures";
            using var reader = command.ExecuteReader();
            reader.Read();
            long head = reader.GetInt64(0) + 1;
            reader.NextResult();
            var erasures = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                erasures[reader.GetString(0)] = reader.GetInt64(1);
            }
            return Result<EventFeedHead>.Ok(new EventFeedHead(head, erasures));
        });

    protected override async ValueTask<Result<EventFeedPage>> GetFeedCoreAsync(
        string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        try
        {
            // The commit key is the sequence: after (c, s) come the sequences above c, and c itself when s < c.
            long from = after.Sequence >= after.Commit ? after.Commit : after.Commit - 1;
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            var events = new List<FeedEvent>(Math.Min(limit, 1024));
            long last = 0;
            using var connection = database.OpenReader();
            using var command = connection.CreateCommand();
            command.CommandText = FeedSql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", from);
            command.Parameters.AddWithValue("$end", through - 1);
            command.Parameters.AddWithValue("$since", TimeCodec.ToUnixMs(since));
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                last = reader.GetInt64(0);
                events.Add(new FeedEvent(ReadItemId(reader, tenant, 2), TimeCodec.FromUnixMs(reader.GetInt64(1))));
            }
            return new EventFeedPage(events, events.Count == 0 ? after : new EventFeedCursor(last, last));
        }
        catch (Exception ex) when (SqliteDatabase.IsDatabaseFailure(ex))
        {
            return database.Fail(ex, "event feed");
        }
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
