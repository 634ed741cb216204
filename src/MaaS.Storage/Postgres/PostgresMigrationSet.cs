namespace MaaS.Storage.Postgres;

/// <summary>
/// One family of tables brought up to date by ordered scripts (<c>{s}</c> is the quoted schema), recorded in its own
/// version table under its own advisory lock. A schema holds two such families (<see cref="PostgresMigrations"/>,
/// <see cref="PostgresSecurityMigrations"/>): each keeps its own history and never waits on the other's lock.
/// </summary>
/// <param name="versionTable">Table recording which scripts have run.</param>
/// <param name="lockName">Prefix of the advisory lock key; the schema name completes it.</param>
/// <param name="subject">Names the family in the error a newer schema raises, e.g. "Database schema".</param>
/// <param name="scripts">Script <c>v</c> brings the family from version <c>v</c> − 1 to <c>v</c>; a released script never changes.</param>
internal sealed class PostgresMigrationSet(string versionTable, string lockName, string subject, string[] scripts)
{
    public int LatestVersion => scripts.Length;

    /// <summary>The script that brings a schema from <paramref name="version"/> − 1 to it (tests build old schemas).</summary>
    public string Script(int version) => scripts[version - 1];

    /// <summary>
    /// Brings the family to <see cref="LatestVersion"/> in one transaction. The transaction-scoped advisory lock,
    /// keyed by the schema name, makes replicas that start together apply each version once: the second waits,
    /// then finds the work done. Returns (from, to).
    /// </summary>
    /// <exception cref="InvalidOperationException">The schema is at a version newer than this build knows.</exception>
    public async Task<(int From, int To)> ApplyAsync(NpgsqlConnection connection, string quotedSchema, string schema, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = lockName + ":" + schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, tx,
            $"CREATE SCHEMA IF NOT EXISTS {quotedSchema}; " +
            $"CREATE TABLE IF NOT EXISTS {quotedSchema}.{versionTable} (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        int current;
        await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {quotedSchema}.{versionTable}", connection, tx))
        {
            current = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (current > LatestVersion)
        {
            throw new InvalidOperationException($"{subject} version {current} is newer than this build supports ({LatestVersion}).");
        }
        for (var v = current + 1; v <= LatestVersion; v++)
        {
            await ExecuteAsync(connection, tx, scripts[v - 1].Replace("{s}", quotedSchema, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            await using var mark = new NpgsqlCommand($"INSERT INTO {quotedSchema}.{versionTable} (version) VALUES ($1)", connection, tx);
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
