using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// The hot write statements, prepared once on the writer connection and reused for every row of every batch
/// (only parameter values change), so ingestion does not re-parse SQL per row.
/// </summary>
internal sealed class SqliteWriterCommands : IDisposable
{
    public SqliteWriterCommands(SqliteConnection writer)
    {
        InsertEvent = Create(writer,
            """
            INSERT INTO events (tenant, event_id, user_id, item_id, type, value, ts)
            VALUES ($tenant, $event_id, $user_id, $item_id, $type, $value, $ts)
            ON CONFLICT (tenant, event_id) DO NOTHING
            """,
            ("$tenant", SqliteType.Text), ("$event_id", SqliteType.Text), ("$user_id", SqliteType.Text),
            ("$item_id", SqliteType.Text), ("$type", SqliteType.Text), ("$value", SqliteType.Real), ("$ts", SqliteType.Integer));
        UpsertUser = Create(writer,
            """
            INSERT INTO users (tenant, user_id, first_seen, last_seen) VALUES ($tenant, $user_id, $first, $last)
            ON CONFLICT (tenant, user_id) DO UPDATE SET
                first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen)
            """,
            ("$tenant", SqliteType.Text), ("$user_id", SqliteType.Text), ("$first", SqliteType.Integer), ("$last", SqliteType.Integer));
        UpsertItem = Create(writer,
            """
            INSERT INTO items (tenant, item_id, kind, title, genres, tags, text, available_from, available_until, updated_at)
            VALUES ($tenant, $item_id, $kind, $title, $genres, $tags, $text, $from, $until, $updated)
            ON CONFLICT (tenant, item_id) DO UPDATE SET
                kind = excluded.kind, title = excluded.title, genres = excluded.genres, tags = excluded.tags,
                text = excluded.text, available_from = excluded.available_from,
                available_until = excluded.available_until, updated_at = excluded.updated_at
            """,
            ("$tenant", SqliteType.Text), ("$item_id", SqliteType.Text), ("$kind", SqliteType.Text), ("$title", SqliteType.Text),
            ("$genres", SqliteType.Text), ("$tags", SqliteType.Text), ("$text", SqliteType.Text), ("$from", SqliteType.Text),
            ("$until", SqliteType.Text), ("$updated", SqliteType.Integer));
    }

    public SqliteCommand InsertEvent { get; }

    public SqliteCommand UpsertUser { get; }

    public SqliteCommand UpsertItem { get; }

    public void Dispose()
    {
        InsertEvent.Dispose();
        UpsertUser.Dispose();
        UpsertItem.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }
}
