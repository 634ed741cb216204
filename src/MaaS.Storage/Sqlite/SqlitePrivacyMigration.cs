namespace MaaS.Storage.Sqlite;

/// <summary>
/// What SQL cannot do at version 6 of <see cref="SqliteMigrations"/>, run on every open right after the scripts: check
/// the configured keys against the file's, hash user ids that are still raw (a file from before version 6) and seal
/// events stored in clear while an encryption key is current. One write transaction, so a crash leaves the file as it
/// was; every event keeps its row (ids are rewritten in place).
/// </summary>
internal static class SqlitePrivacyMigration
{
    private const int Batch = 10_000;

    /// <summary>Returns the number of users pseudonymised and events sealed.</summary>
    public static (long Users, long Sealed) Apply(SqliteConnection connection, PrivacyCodec codec)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = SqliteQueries.Command(connection, tx, "SELECT name, value FROM privacy"))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var add = PrivacyState.Verify(stored, codec);
        long users = stored.GetValueOrDefault(PrivacyState.Pseudonymised) == "0" ? Pseudonymise(connection, tx, codec) : 0;
        long sealedEvents = codec.CurrentKeyId is null ? 0 : SealClear(connection, tx, codec);
        using (var write = SqliteQueries.Command(connection, tx, "INSERT INTO privacy (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value"))
        {
            foreach (var (name, value) in add.Append((PrivacyState.Pseudonymised, "1")))
            {
                write.Parameters.Clear();
                write.Parameters.AddWithValue("$name", name);
                write.Parameters.AddWithValue("$value", value);
                write.ExecuteNonQuery();
            }
        }
        tx.Commit();
        if (users > 0 || sealedEvents > 0)
        {
            // secure_delete zeroes what the updates freed, but not what earlier writes left in the pages' free space
            // (a page split copies cells and leaves the old bytes behind) nor the WAL's older frames: VACUUM writes
            // every page anew, and the truncating checkpoint empties the WAL. Its temporary copy goes to a file
            // rather than memory (temp_store MEMORY would hold the whole database) and holds only migrated rows.
            using var rewrite = connection.CreateCommand();
            rewrite.CommandText = "PRAGMA temp_store = DEFAULT; VACUUM; PRAGMA temp_store = MEMORY; PRAGMA wal_checkpoint(TRUNCATE);";
            rewrite.ExecuteNonQuery();
        }
        return (users, sealedEvents);
    }

    private static long Pseudonymise(SqliteConnection connection, SqliteTransaction tx, PrivacyCodec codec)
    {
        var rows = new List<(long Key, string Tenant, string User)>();
        using (var read = SqliteQueries.Command(connection, tx, "SELECT user_key, tenant, user_id FROM users"))
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        using var user = SqliteQueries.Command(connection, tx, "UPDATE users SET user_id = $id WHERE user_key = $key");
        using var events = SqliteQueries.Command(connection, tx, "UPDATE events SET user_id = $id WHERE user_key = $key");
        foreach (var (key, tenant, raw) in rows)
        {
            var pseudonym = codec.User(tenant, raw);
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[user, events])
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$id", pseudonym);
                command.Parameters.AddWithValue("$key", key);
                command.ExecuteNonQuery();
            }
        }
        return rows.Count;
    }

    private static long SealClear(SqliteConnection connection, SqliteTransaction tx, PrivacyCodec codec)
    {
        long total = 0, after = 0;
        using var read = SqliteQueries.Command(connection, tx,
            "SELECT seq, tenant, event_id, item_id, type, value FROM events WHERE sealed IS NULL AND seq > $after ORDER BY seq LIMIT $limit");
        using var update = SqliteQueries.Command(connection, tx,
            "UPDATE events SET event_id = $key, item_id = '', type = '', value = 0, sealed = $sealed WHERE seq = $seq");
        while (true)
        {
            var rows = new List<(long Seq, string Tenant, string Event, string Item, string Type, float Value)>();
            read.Parameters.Clear();
            read.Parameters.AddWithValue("$after", after);
            read.Parameters.AddWithValue("$limit", Batch);
            using (var reader = read.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFloat(5)));
                }
            }
            foreach (var row in rows)
            {
                var (key, blob) = codec.SealExisting(row.Tenant, row.Event, row.Item, row.Type, row.Value);
                update.Parameters.Clear();
                update.Parameters.AddWithValue("$key", key);
                update.Parameters.AddWithValue("$sealed", blob);
                update.Parameters.AddWithValue("$seq", row.Seq);
                update.ExecuteNonQuery();
            }
            total += rows.Count;
            if (rows.Count < Batch)
            {
                return total;
            }
            after = rows[^1].Seq;
        }
    }
}
