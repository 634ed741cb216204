using SQLitePCL;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// The hot write statements, prepared once on the writer connection and reused for every row of every batch.
/// Events and user keys go through SQLite's C API directly (bind, step, reset): Microsoft.Data.Sqlite's per-execute
/// bookkeeping (a reader object, boxed parameter values) cost more than the insert itself at ingestion rates.
/// Use only on the writer, inside its transaction, under its lock.
/// </summary>
internal sealed class SqliteWriterCommands : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _insertEvent;
    private readonly sqlite3_stmt _findUser;
    private readonly sqlite3_stmt _insertUser;
    private readonly sqlite3_stmt _deleteUser;
    private readonly sqlite3_stmt _insertDecision;
    private readonly sqlite3_stmt _insertInactiveDecision;
    private byte[] _text = new byte[4096];

    public SqliteWriterCommands(SqliteConnection writer)
    {
        _db = writer.Handle ?? throw new InvalidOperationException("writer connection is not open");
        _insertEvent = Prepare("""
            INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts, user_key, sealed, recommendation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (tenant, event_id) DO NOTHING
            """);
        _findUser = Prepare("SELECT user_key FROM users WHERE tenant = ?1 AND user_id = ?2");
        _insertUser = Prepare("INSERT INTO users (tenant, user_id) VALUES (?1, ?2)");
        _deleteUser = Prepare("DELETE FROM users WHERE user_key = ?1");
        // An ordinary decision's window opens when it is made (the same bound value, no extra bind); a deferred one's
        // activated_at stays NULL until it is activated.
        _insertDecision = Prepare("""
            INSERT INTO agent_decisions (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, activated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
            """);
        _insertInactiveDecision = Prepare("""
            INSERT INTO agent_decisions (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, activated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)
            """);
        UpsertItem = writer.CreateCommand();
        UpsertItem.CommandText = """
            INSERT INTO items (tenant, item_id, kind, title, genres, tags, text, available_from, available_until, updated_at)
            VALUES ($tenant, $item_id, $kind, $title, $genres, $tags, $text, $from, $until, $updated)
            ON CONFLICT (tenant, item_id) DO UPDATE SET
                kind = excluded.kind, title = excluded.title, genres = excluded.genres, tags = excluded.tags,
                text = excluded.text, available_from = excluded.available_from,
                available_until = excluded.available_until, updated_at = excluded.updated_at
            """;
        foreach (var (name, type) in new[]
        {
            ("$tenant", SqliteType.Text), ("$item_id", SqliteType.Text), ("$kind", SqliteType.Text), ("$title", SqliteType.Text),
            ("$genres", SqliteType.Text), ("$tags", SqliteType.Text), ("$text", SqliteType.Text), ("$from", SqliteType.Text),
            ("$until", SqliteType.Text), ("$updated", SqliteType.Integer),
        })
        {
            UpsertItem.Parameters.Add(name, type);
        }
        UpsertItem.Prepare();
        RecordItemChange = writer.CreateCommand();
        RecordItemChange.CommandText = """
            INSERT INTO catalog_changes (tenant, item_id, seq) VALUES ($tenant, $item_id, (SELECT coalesce(max(seq), 0) + 1 FROM catalog_changes))
            ON CONFLICT (tenant, item_id) DO UPDATE SET seq = excluded.seq
            """;
        RecordItemChange.Parameters.Add("$tenant", SqliteType.Text);
        RecordItemChange.Parameters.Add("$item_id", SqliteType.Text);
        RecordItemChange.Prepare();
    }

    /// <summary>Catalogue upserts are rare and small: the ordinary ADO.NET command is fine there.</summary>
    public SqliteCommand UpsertItem { get; }

    /// <summary>Gives an item's feed row the next sequence (<c>$tenant</c>, <c>$item_id</c>).</summary>
    public SqliteCommand RecordItemChange { get; }

    /// <summary>Inserts one event unless its id is already stored; returns whether a row was inserted.</summary>
    public bool InsertEvent(
        string tenant, string eventId, string userId, long userKey, string itemId, string type, double value, long ts, byte[]? sealedFields, string? recommendationId = null)
    {
        var s = _insertEvent;
        BindText(s, 1, tenant);
        BindText(s, 2, eventId);
        BindText(s, 3, userId);
        BindText(s, 4, itemId);
        BindText(s, 5, type);
        Check(raw.sqlite3_bind_double(s, 6, value));
        Check(raw.sqlite3_bind_int64(s, 7, ts));
        Check(raw.sqlite3_bind_int64(s, 8, userKey));
        Check(sealedFields is null ? raw.sqlite3_bind_null(s, 9) : raw.sqlite3_bind_blob(s, 9, sealedFields));
        if (recommendationId is null)
        {
            Check(raw.sqlite3_bind_null(s, 10));
        }
        else
        {
            BindText(s, 10, recommendationId);
        }
        Step(s);
        return raw.sqlite3_changes(_db) == 1;
    }

    /// <summary>
    /// Appends one decision to the agents' log (one statement: a duplicate id fails it alone, leaving the transaction
    /// open); returns its sequence. An <see cref="AgentDecision.Inactive"/> one is logged awaiting activation.
    /// </summary>
    public long InsertDecision(AgentDecision decision, long decidedAtMs)
    {
        var s = decision.Inactive ? _insertInactiveDecision : _insertDecision;
        BindText(s, 1, decision.DecisionId);
        BindText(s, 2, decision.Tenant);
        BindText(s, 3, decision.Agent);
        BindText(s, 4, decision.Context);
        BindText(s, 5, decision.Actions);
        BindText(s, 6, decision.ChosenAction);
        Check(raw.sqlite3_bind_double(s, 7, decision.Probability));
        Check(raw.sqlite3_bind_int64(s, 8, decidedAtMs));
        Step(s);
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>The user's key; creates the user row when there is none (<paramref name="created"/>).</summary>
    public long UserKey(string tenant, string userId, out bool created)
    {
        var find = _findUser;
        BindText(find, 1, tenant);
        BindText(find, 2, userId);
        var rc = raw.sqlite3_step(find);
        var key = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(find, 0) : 0;
        raw.sqlite3_reset(find);
        created = rc == raw.SQLITE_DONE;
        if (rc == raw.SQLITE_ROW)
        {
            return key;
        }
        if (!created)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        BindText(_insertUser, 1, tenant);
        BindText(_insertUser, 2, userId);
        Step(_insertUser);
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>Removes a user row (one created by this batch that ended up with no event of its own).</summary>
    public void DeleteUser(long userKey)
    {
        Check(raw.sqlite3_bind_int64(_deleteUser, 1, userKey));
        Step(_deleteUser);
    }

    public void Dispose()
    {
        _insertEvent.Dispose();
        _findUser.Dispose();
        _insertUser.Dispose();
        _deleteUser.Dispose();
        _insertDecision.Dispose();
        _insertInactiveDecision.Dispose();
        UpsertItem.Dispose();
        RecordItemChange.Dispose();
    }

    /// <summary>
    /// Binds a string as UTF-8 transcoded into the writer's own buffer: SQLite copies it (SQLITE_TRANSIENT), so the
    /// buffer is free again at once. The string overload allocated a fresh zero-terminated array per value (~800 bytes
    /// per decision, five texts per event) on the one thread every commit waits for; every text this class binds goes here.
    /// </summary>
    private void BindText(sqlite3_stmt statement, int index, string value)
    {
        if (value.Length == 0)
        {
            // An empty span may reach SQLite as a null pointer, which binds NULL rather than ''.
            Check(raw.sqlite3_bind_text(statement, index, value));
            return;
        }
        int most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (most > _text.Length)
        {
            _text = new byte[Math.Max(most, _text.Length * 2)];
        }
        int length = Encoding.UTF8.GetBytes(value, _text);
        Check(raw.sqlite3_bind_text(statement, index, _text.AsSpan(0, length)));
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var statement));
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        // Reset even on failure so the statement is reusable for the next batch (after the rollback).
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
