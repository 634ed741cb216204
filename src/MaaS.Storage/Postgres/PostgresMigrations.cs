using Npgsql;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Ordered schema scripts (<c>{s}</c> is the quoted schema). A released script never changes; changes come as new
/// versions. Text keys use COLLATE "C" so paging order is byte order, the same as SQLite's BINARY collation.
/// </summary>
internal static class PostgresMigrations
{
    private static readonly string[] Scripts =
    [
        """
        CREATE TABLE {s}.events (
            seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tenant   text COLLATE "C" NOT NULL DEFAULT 'default',
            event_id text COLLATE "C" NOT NULL,
            user_id  text COLLATE "C" NOT NULL,
            item_id  text COLLATE "C" NOT NULL,
            type     text NOT NULL,
            value    real NOT NULL,
            ts       timestamptz NOT NULL,
            CONSTRAINT events_tenant_event_id_key UNIQUE (tenant, event_id)
        );
        CREATE INDEX events_user_ts ON {s}.events (tenant, user_id, ts DESC, seq DESC);
        CREATE INDEX events_tenant_seq ON {s}.events (tenant, seq);
        CREATE TABLE {s}.users (
            tenant     text COLLATE "C" NOT NULL DEFAULT 'default',
            user_id    text COLLATE "C" NOT NULL,
            first_seen timestamptz NOT NULL,
            last_seen  timestamptz NOT NULL,
            PRIMARY KEY (tenant, user_id)
        );
        CREATE TABLE {s}.items (
            tenant          text COLLATE "C" NOT NULL DEFAULT 'default',
            item_id         text COLLATE "C" NOT NULL,
            kind            text NOT NULL CHECK (kind IN ('movie', 'song', 'game')),
            title           text NOT NULL,
            genres          text[] NOT NULL,
            tags            text[] NOT NULL,
            text            text,
            available_from  date,
            available_until date,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant, item_id)
        );
        """,
    ];

    public static int LatestVersion => Scripts.Length;

    /// <summary>
    /// Brings the schema to <see cref="LatestVersion"/> in one transaction. The transaction-scoped advisory lock,
    /// keyed by the schema name, makes replicas that start together apply each version once: the second waits,
    /// then finds the work done. Returns (from, to).
    /// </summary>
    public static async Task<(int From, int To)> ApplyAsync(NpgsqlConnection connection, string quotedSchema, string schema, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = "maas.schema:" + schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, tx,
            $"CREATE SCHEMA IF NOT EXISTS {quotedSchema}; " +
            $"CREATE TABLE IF NOT EXISTS {quotedSchema}.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {quotedSchema}.schema_version", connection, tx))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (current > LatestVersion)
        {
            throw new InvalidOperationException($"Database schema version {current} is newer than this build supports ({LatestVersion}).");
        }
        for (var v = current + 1; v <= LatestVersion; v++)
        {
            await ExecuteAsync(connection, tx, Scripts[v - 1].Replace("{s}", quotedSchema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await using var mark = new NpgsqlCommand($"INSERT INTO {quotedSchema}.schema_version (version) VALUES ($1)", connection, tx);
            mark.Parameters.Add(new NpgsqlParameter { Value = v });
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (current, LatestVersion);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
