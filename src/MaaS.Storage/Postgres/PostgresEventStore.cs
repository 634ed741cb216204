using NpgsqlTypes;

namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="IEventStore"/>. Every change of users' events NOTIFYs them in its own transaction
/// (<see cref="PostgresUserChangeFeed"/>), so other replicas' history caches drop exactly what changed, once it is
/// committed. Dispose stops the feed's listener.
/// </summary>
internal sealed class PostgresEventStore : ValidatedEventStore, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly PostgresUserChangeFeed _changes;
    private readonly string _appendSql, _historySql, _itemsSql, _streamSql, _streamSinceSql, _feedSql, _eraseSql, _countSql, _purgeSql, _tenantsSql;

    public PostgresEventStore(PostgresDatabase database, PrivacyCodec privacy, ILogger logger)
        : base(privacy)
    {
        _database = database;
        _changes = new PostgresUserChangeFeed(database, privacy, logger);
        var s = database.Schema;
        // A NOTIFY in the statement's own transaction reaches the listeners only once it commits, and only if
        // something changed; the subquery is counted so it runs (pg_notify returns void).
        string Notify(string payloads, string changed) =>
            $"(SELECT count(*) FROM (SELECT pg_notify('{PostgresChangeListener.EventChannel}', p) FROM unnest({payloads}::text[]) AS p WHERE EXISTS (SELECT 1 FROM {changed})) AS n)";
        // One statement per batch: the columns travel as arrays (no per-row round trips, no SQL built per
        // batch), ON CONFLICT drops ids already stored or repeated in the batch, and only rows actually inserted
        // widen the users' first/last seen. Users are upserted in id order so concurrent batches lock rows in the
        // same order and cannot deadlock each other. Autocommit with synchronous_commit=on (the server default)
        // returns only after the WAL is flushed: acknowledged = durable.
        _appendSql = $"""
            WITH input AS (
                SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::real[], $7::timestamptz[], $8::bytea[], $10::text[])
                    WITH ORDINALITY AS t(event_id, user_id, item_id, type, value, ts, sealed, recommendation_id, ord)
            ), inserted AS (
                INSERT INTO {s}.events (tenant, event_id, user_id, item_id, type, value, ts, sealed, recommendation_id)
                SELECT $1, event_id, user_id, item_id, type, value, ts, sealed, recommendation_id FROM input ORDER BY ord
                ON CONFLICT (tenant, event_id) DO NOTHING
                RETURNING user_id, ts
            ), seen AS (
                INSERT INTO {s}.users AS u (tenant, user_id, first_seen, last_seen)
                SELECT $1, user_id, min(ts), max(ts) FROM inserted GROUP BY user_id ORDER BY user_id
                ON CONFLICT (tenant, user_id) DO UPDATE SET
                    first_seen = LEAST(u.first_seen, EXCLUDED.first_seen),
                    last_seen = GREATEST(u.last_seen, EXCLUDED.last_seen)
            )
            SELECT (SELECT count(*)::int FROM inserted), {Notify("$9", "inserted")}
            """;
        _historySql = $"SELECT {Columns} FROM {s}.events WHERE tenant = $1 AND user_id = $2 ORDER BY ts DESC, seq DESC LIMIT $3";
        // Walks the (tenant, user_id) prefix of events_user_ts; a sealed item is distinct only once opened, in code.
        _itemsSql = $"SELECT {ItemColumns} FROM {s}.events WHERE tenant = $1 AND user_id = $2";
        _streamSql = $"SELECT seq, {Columns} FROM {s}.events WHERE tenant = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4";
        _streamSinceSql = $"SELECT seq, {Columns} FROM {s}.events WHERE tenant = $1 AND seq > $2 AND seq <= $3 AND ts >= $5 ORDER BY seq LIMIT $4";
        // Feed order along events_tenant_tx: the appending transaction's id (column tx, its default), then the sequence.
        // Only what trending counts: the item (with the event id only where the row is sealed) and the time.
        _feedSql = $"""
            SELECT tx, seq, ts, item_id, CASE WHEN sealed IS NULL THEN '' ELSE event_id END, sealed FROM {s}.events
            WHERE tenant = $1 AND (tx, seq) > ($2, $3) AND tx < $4 AND ts >= $5 ORDER BY tx, seq LIMIT $6
            """;
        _eraseSql = $"""
            WITH e AS (DELETE FROM {s}.events WHERE tenant = $1 AND user_id = $2 RETURNING 1),
                 u AS (DELETE FROM {s}.users WHERE tenant = $1 AND user_id = $2 RETURNING 1),
                 g AS (INSERT INTO {s}.event_erasures AS g (tenant, generation) SELECT $1, 1 WHERE EXISTS (SELECT 1 FROM e)
                       ON CONFLICT (tenant) DO UPDATE SET generation = g.generation + 1)
            SELECT (SELECT count(*) FROM e), (SELECT count(*) FROM u), {Notify("$3", "e")}
            """;
        _countSql = $"SELECT count(*) FROM {s}.events WHERE tenant = $1";
        // Oldest first along events_tenant_seq; users left without events go, the others' first_seen moves up.
        _purgeSql = $"""
            WITH d AS (
                DELETE FROM {s}.events WHERE seq IN (
                    SELECT seq FROM {s}.events WHERE tenant = $1 AND ts < $2 ORDER BY seq LIMIT $3)
                RETURNING user_id, seq
            ), affected AS (SELECT DISTINCT user_id FROM d),
            kept AS (
                SELECT e.user_id, min(e.ts) AS first FROM {s}.events e JOIN affected a ON e.user_id = a.user_id
                WHERE e.tenant = $1 AND NOT EXISTS (SELECT 1 FROM d WHERE d.seq = e.seq) GROUP BY e.user_id
            ), gone AS (
                DELETE FROM {s}.users u USING affected a
                WHERE u.tenant = $1 AND u.user_id = a.user_id AND NOT EXISTS (SELECT 1 FROM kept k WHERE k.user_id = a.user_id)
            ), moved AS (
                UPDATE {s}.users u SET first_seen = k.first FROM kept k WHERE u.tenant = $1 AND u.user_id = k.user_id
            )
            SELECT count(*), {Notify("$4", "d")} FROM d
            """;
        _tenantsSql = $"SELECT DISTINCT tenant FROM {s}.users ORDER BY tenant";
    }

    public override async ValueTask<Result<EventFeedHead>> GetFeedHeadAsync(CancellationToken cancellationToken = default)
    {
        var s = _database.Schema;
        var result = await _database.RunAsync("event feed head", async (connection, ct) =>
        {
            // The oldest transaction id still running on the server (this read-only one has none). Every transaction
            // below it has ended: its events are committed, and visible to the page reads that follow in later
            // snapshots, or rolled back. A transaction still running, or not yet written, has or will get an id at or
            // above it, and an event's tx is its own transaction's id, assigned when the insert evaluates the column's
            // default: no event can appear below the head afterwards. Appends take no lock for this.
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"),
                    new NpgsqlBatchCommand($"SELECT tenant, generation FROM {s}.event_erasures"),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            long head = reader.GetInt64(0);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            var erasures = new Dictionary<string, long>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                erasures[reader.GetString(0)] = reader.GetInt64(1);
            }
            return new EventFeedHead(head, erasures);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<EventFeedPage>> GetFeedCoreAsync(
        string tenant, EventFeedCursor after, long through, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("event feed", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_feedSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Commit });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Sequence });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(since), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var events = new List<FeedEvent>(Math.Min(limit, 1024));
            var last = after;
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                last = new EventFeedCursor(reader.GetInt64(0), reader.GetInt64(1));
                events.Add(new FeedEvent(ReadItemId(reader, tenant, 3), TimeCodec.FromUtcDateTime(reader.GetFieldValue<DateTime>(2))));
            }
            return new EventFeedPage(events, last);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<long>> PurgeBeforeCoreAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("purge", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_purgeSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(before), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _changes.Payloads(tenant, []) });
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    // One transaction under an advisory lock, so replicas take turns on the one cursor; the stale rows are locked as
    // they are read (FOR UPDATE), so an erase or a purge of one waits for the step or finds it gone.
    protected override async ValueTask<Result<ResealProgress>> ResealCoreAsync(int limit, CancellationToken cancellationToken)
    {
        var s = _database.Schema;
        string current = Privacy.CurrentKeyId!;
        byte[] prefix = Privacy.CurrentPrefix();
        var result = await _database.RunAsync<Result<ResealProgress>>("reseal", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
            {
                lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "maas.reseal:" + s });
                await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            long after;
            await using (var cursor = new NpgsqlCommand($"SELECT value FROM {s}.privacy WHERE name = $1", connection, tx))
            {
                cursor.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.ResealCursor });
                after = PrivacyState.CursorOf(await cursor.ExecuteScalarAsync(ct).ConfigureAwait(false) as string, current);
            }
            var seqs = new List<long>();
            var rows = new List<(string, string, byte[])>();
            await using (var read = new NpgsqlCommand(
                $"SELECT seq, tenant, event_id, sealed FROM {s}.events WHERE seq > $1 AND sealed IS NOT NULL AND substring(sealed from 1 for $2) <> $3 ORDER BY seq LIMIT $4 FOR UPDATE",
                connection, tx))
            {
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = prefix.Length });
                read.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = prefix });
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    seqs.Add(reader.GetInt64(0));
                    rows.Add((reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3)));
                }
            }
            if (!Resealed(rows).TryGetValue(out var blobs, out var failed))
            {
                return failed;
            }
            await using (var update = new NpgsqlCommand(
                $"UPDATE {s}.events e SET sealed = u.sealed FROM unnest($1::bigint[], $2::bytea[]) AS u(seq, sealed) WHERE e.seq = u.seq", connection, tx))
            {
                update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. seqs] });
                update.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = blobs });
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var retired = new List<string>();
            bool done = false;
            if (rows.Count < limit)
            {
                // As on SQLite: a replica still sealing with an older key may have written behind the cursor; with no
                // older key recorded (every start after the retirement) there is nothing to check.
                await using var check = new NpgsqlCommand(
                    $"""
                    SELECT NOT EXISTS (SELECT 1 FROM {s}.privacy WHERE name LIKE $3 AND name <> $4)
                        OR NOT EXISTS (SELECT 1 FROM {s}.events WHERE sealed IS NOT NULL AND substring(sealed from 1 for $1) <> $2)
                    """, connection, tx);
                check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = prefix.Length });
                check.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = prefix });
                check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.EncryptionKeyPrefix + "%" });
                check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.EncryptionKeyPrefix + current });
                done = (bool)(await check.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                if (done)
                {
                    await using var retire = new NpgsqlCommand($"DELETE FROM {s}.privacy WHERE name LIKE $1 AND name <> $2 RETURNING name", connection, tx);
                    retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.EncryptionKeyPrefix + "%" });
                    retire.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.EncryptionKeyPrefix + current });
                    retired.AddRange(await PostgresQueries.ReadAllAsync(retire, static row => row.GetString(0)[PrivacyState.EncryptionKeyPrefix.Length..], ct).ConfigureAwait(false));
                }
            }
            await using (var write = new NpgsqlCommand(
                $"INSERT INTO {s}.privacy (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", connection, tx))
            {
                write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.ResealCursor });
                write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PrivacyState.Cursor(current, done || rows.Count == limit ? seqs.LastOrDefault(after) : 0) });
                await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new ResealProgress(rows.Count, done, retired);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public override async ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        var result = await _database.RunAsync("list tenants", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_tenantsSql, connection);
            return await PostgresQueries.ReadAllAsync(command, static row => row.GetString(0), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<AppendResult>> AppendCoreAsync(string tenant, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var n = events.Count;
        var ids = new string[n];
        var users = new string[n];
        var items = new string[n];
        var types = new string[n];
        var values = new float[n];
        var times = new DateTime[n];
        var sealedFields = new byte[]?[n];
        var recommendations = new string?[n];
        var changedUsers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var e = events[i];
            ids[i] = e.EventKey;
            users[i] = e.User;
            changedUsers.Add(e.User);
            sealedFields[i] = e.Sealed;
            recommendations[i] = e.RecommendationId;
            items[i] = e.ItemId;
            types[i] = e.Type;
            values[i] = e.Value;
            times[i] = TimeCodec.ToUtcDateTime(e.Timestamp);
        }
        var token = AppliedSessionTokens.NewToken();
        var payloads = _changes.Payloads(tenant, changedUsers, token);
        var result = await _database.RunAsync("append", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_appendSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = users });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = items });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types });
            command.Parameters.Add(new NpgsqlParameter<float[]> { TypedValue = values });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = sealedFields, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = payloads });
            command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = recommendations, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return reader.GetInt32(0);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }

        if (result.Value == 0)
        {
            // Nothing new: no NOTIFY went out, so no replica would ever report the token.
            return new AppendResult(n, 0);
        }

        _changes.Applied(token);
        return new AppendResult(n, result.Value, token);
    }

    protected override async ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryCoreAsync(
        string tenant, string userId, int limit, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("history", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_historySql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await PostgresQueries.ReadAllAsync(command, row => Read(row, 0, tenant), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    protected override async ValueTask<Result<IReadOnlyList<string>>> GetUserItemsCoreAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("user items", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_itemsSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            return await PostgresQueries.ReadAllAsync(command, row => ReadItemId(row, tenant), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value.Distinct(StringComparer.Ordinal).ToList() : result.Error;
    }

    protected override async Task<long> MaxSequenceAsync(CancellationToken cancellationToken)
    {
        // Identity values are handed out before commit, so a bound taken now can still see lower values commit
        // later; they are simply left to the next rebuild. Every event committed before this point has seq <= end.
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var max = new NpgsqlCommand($"SELECT coalesce(max(seq), 0) FROM {_database.Schema}.events", connection);
        return (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    protected override async Task<(List<InteractionEvent> Events, long Last)> PageAsync(
        string tenant, DateTimeOffset? since, long after, long end, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await PageAsync(connection, tenant, since, after, end, limit, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(List<InteractionEvent> Events, long Last)> PageAsync(
        NpgsqlConnection connection, string tenant, DateTimeOffset? since, long after, long end, int limit, CancellationToken cancellationToken)
    {
        var batch = new List<InteractionEvent>(Math.Min(limit, 1024));
        long last = after;
        await using var command = new NpgsqlCommand(since is null ? _streamSql : _streamSinceSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = end });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (since is { } s)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(s), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            last = reader.GetInt64(0);
            batch.Add(Read(reader, 1, tenant));
        }
        return (batch, last);
    }

    protected override async ValueTask<Result<EraseResult>> EraseUserCoreAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var result = await _database.RunAsync("erase", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_eraseSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _changes.Payloads(tenant, [userId]) });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return new EraseResult(reader.GetInt64(0), reader.GetInt64(1) > 0);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public override IUserChangeFeed UserChanges => _changes;

    public ValueTask DisposeAsync() => _changes.DisposeAsync();

    public override ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) =>
        PostgresQueries.CountAsync(_database, tenant, _countSql, "count events", cancellationToken);

    private InteractionEvent Read(NpgsqlDataReader row, int offset, string tenant) =>
        ReadEvent(row, offset, tenant, static (r, i) => TimeCodec.FromUtcDateTime(r.GetFieldValue<DateTime>(i)));
}
