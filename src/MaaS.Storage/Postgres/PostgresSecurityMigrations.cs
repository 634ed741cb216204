using Npgsql;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Schema of the key and market tables (<c>{s}</c> is the quoted schema), versioned in its own
/// <c>security_schema_version</c> table and advisory lock so it never interleaves with <see cref="PostgresMigrations"/>.
/// </summary>
internal static class PostgresSecurityMigrations
{
    private static readonly string[] Scripts =
    [
        """
        CREATE TABLE {s}.api_keys (
            key_id      text COLLATE "C" PRIMARY KEY,
            tenant      text COLLATE "C" NOT NULL,
            name        text NOT NULL,
            roles       text NOT NULL,
            secret_hash text NOT NULL,
            created_at  timestamptz NOT NULL,
            revoked_at  timestamptz,
            rps         double precision,
            burst       integer,
            concurrency integer
        );
        CREATE INDEX api_keys_tenant ON {s}.api_keys (tenant, created_at);
        CREATE TABLE {s}.model_listings (
            name       text COLLATE "C" PRIMARY KEY,
            owner      text COLLATE "C" NOT NULL,
            visibility text NOT NULL CHECK (visibility IN ('private', 'tenant', 'public')),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        );
        CREATE TABLE {s}.model_shares (
            name    text COLLATE "C" NOT NULL REFERENCES {s}.model_listings (name) ON DELETE CASCADE,
            grantee text COLLATE "C" NOT NULL,
            PRIMARY KEY (name, grantee)
        );
        """,
        // Per-tenant quotas: model bytes per listing, and the owner's listings found without a scan.
        """
        ALTER TABLE {s}.model_listings ADD COLUMN bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0);
        CREATE INDEX model_listings_owner ON {s}.model_listings (owner);
        """,
    ];

    public static int LatestVersion => Scripts.Length;

    /// <summary>Brings the tables to <see cref="LatestVersion"/> in one transaction under an advisory lock; returns (from, to).</summary>
    public static async Task<(int From, int To)> ApplyAsync(NpgsqlConnection connection, string quotedSchema, string schema, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = "maas.security:" + schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, tx,
            $"CREATE SCHEMA IF NOT EXISTS {quotedSchema}; " +
            $"CREATE TABLE IF NOT EXISTS {quotedSchema}.security_schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {quotedSchema}.security_schema_version", connection, tx))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (current > LatestVersion)
        {
            throw new InvalidOperationException($"Security schema version {current} is newer than this build supports ({LatestVersion}).");
        }
        for (var v = current + 1; v <= LatestVersion; v++)
        {
            await ExecuteAsync(connection, tx, Scripts[v - 1].Replace("{s}", quotedSchema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await using var mark = new NpgsqlCommand($"INSERT INTO {quotedSchema}.security_schema_version (version) VALUES ($1)", connection, tx);
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
