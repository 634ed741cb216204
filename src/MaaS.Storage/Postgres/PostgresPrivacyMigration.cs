namespace MaaS.Storage.Postgres;

/// <summary>
/// What SQL cannot do at version 4 of <see cref="PostgresMigrations"/>, run on every open right after the scripts (as
/// SQLite's <see cref="Sqlite.SqlitePrivacyMigration"/>): check the configured keys against the schema's, hash user ids
/// that are still raw, and seal events stored in clear while an encryption key is current. One transaction under an
/// advisory lock, so replicas starting together do it once; every event keeps its row.
/// </summary>
internal static class PostgresPrivacyMigration
{
    private const int Batch = 10_000;

    public static async Task<(long Users, long Sealed)> ApplyAsync(
        NpgsqlConnection connection, string s, string schema, PrivacyCodec codec, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "maas.privacy:" + schema });
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand($"SELECT name, value FROM {s}.privacy", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                stored[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var add = PrivacyState.Verify(stored, codec);
        long users = stored.GetValueOrDefault(PrivacyState.Pseudonymised) == "0" ? await PseudonymiseAsync(connection, tx, s, codec, ct).ConfigureAwait(false) : 0;
        long sealedEvents = codec.CurrentKeyId is null ? 0 : await SealClearAsync(connection, tx, s, codec, ct).ConfigureAwait(false);
        add.Add((PrivacyState.Pseudonymised, "1"));
        await using (var write = new NpgsqlCommand(
            $"INSERT INTO {s}.privacy (name, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", connection, tx))
        {
            write.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = add.Select(a => a.Name).ToArray() });
            write.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = add.Select(a => a.Value).ToArray() });
            await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (users, sealedEvents);
    }

    private static async Task<long> PseudonymiseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string s, PrivacyCodec codec, CancellationToken ct)
    {
        var tenants = new List<string>();
        var raws = new List<string>();
        await using (var read = new NpgsqlCommand($"SELECT tenant, user_id FROM {s}.users UNION SELECT DISTINCT tenant, user_id FROM {s}.events", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
                raws.Add(reader.GetString(1));
            }
        }
        var pseudonyms = tenants.Select((t, i) => codec.User(t, raws[i])).ToArray();
        foreach (var table in new[] { "users", "events" })
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE {s}.{table} x SET user_id = m.pseudonym FROM unnest($1::text[], $2::text[], $3::text[]) AS m(tenant, raw, pseudonym) " +
                "WHERE x.tenant = m.tenant AND x.user_id = m.raw", connection, tx);
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tenants.ToArray() });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = raws.ToArray() });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = pseudonyms });
            await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return raws.Count;
    }

    private static async Task<long> SealClearAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string s, PrivacyCodec codec, CancellationToken ct)
    {
        long total = 0, after = 0;
        while (true)
        {
            var seqs = new List<long>();
            var keys = new List<string>();
            var blobs = new List<byte[]>();
            await using (var read = new NpgsqlCommand(
                $"SELECT seq, tenant, event_id, item_id, type, value FROM {s}.events WHERE sealed IS NULL AND seq > $1 ORDER BY seq LIMIT $2", connection, tx))
            {
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Batch });
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var (key, blob) = codec.SealExisting(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFloat(5));
                    seqs.Add(reader.GetInt64(0));
                    keys.Add(key);
                    blobs.Add(blob);
                }
            }
            if (seqs.Count > 0)
            {
                await using var update = new NpgsqlCommand(
                    $"UPDATE {s}.events x SET event_id = m.key, item_id = '', type = '', value = 0, sealed = m.sealed " +
                    "FROM unnest($1::bigint[], $2::text[], $3::bytea[]) AS m(seq, key, sealed) WHERE x.seq = m.seq", connection, tx);
                update.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = seqs.ToArray() });
                update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.ToArray() });
                update.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = blobs.ToArray() });
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            total += seqs.Count;
            if (seqs.Count < Batch)
            {
                return total;
            }
            after = seqs[^1];
        }
    }
}
