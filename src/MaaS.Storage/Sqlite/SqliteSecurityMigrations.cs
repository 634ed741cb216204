using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MaaS.Storage.Sqlite;

/// <summary>
/// Schema of the key and market tables, versioned in its own <c>security_schema_version</c> table so it never
/// interleaves with <see cref="SqliteMigrations"/>. A released script never changes.
/// </summary>
internal static class SqliteSecurityMigrations
{
    private static readonly string[] Scripts =
    [
        """
        CREATE TABLE api_keys (
            key_id      TEXT PRIMARY KEY,
            tenant      TEXT NOT NULL,
            name        TEXT NOT NULL,
            roles       TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            revoked_at  INTEGER,
            rps         REAL,
            burst       INTEGER,
            concurrency INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX ix_api_keys_tenant ON api_keys (tenant, created_at);
        CREATE TABLE model_listings (
            name       TEXT PRIMARY KEY,
            owner      TEXT NOT NULL,
            visibility TEXT NOT NULL CHECK (visibility IN ('private', 'tenant', 'public')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE model_shares (
            name    TEXT NOT NULL REFERENCES model_listings (name) ON DELETE CASCADE,
            grantee TEXT NOT NULL,
            PRIMARY KEY (name, grantee)
        ) WITHOUT ROWID;
        """,
        // Per-tenant quotas: model bytes per listing, and the owner's listings found without a scan.
        """
        ALTER TABLE model_listings ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0);
        CREATE INDEX ix_model_listings_owner ON model_listings (owner);
        """,
    ];

    public static int LatestVersion => Scripts.Length;

    /// <summary>Brings the tables to <see cref="LatestVersion"/> under BEGIN IMMEDIATE; returns (from, to).</summary>
    public static (int From, int To) Apply(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS security_schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT coalesce(max(version), 0) FROM security_schema_version";
        var current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException($"Security schema version {current} is newer than this build supports ({LatestVersion}).");
        }
        for (var v = current + 1; v <= LatestVersion; v++)
        {
            Execute(connection, tx, Scripts[v - 1]);
            using var mark = connection.CreateCommand();
            mark.Transaction = tx;
            mark.CommandText = "INSERT INTO security_schema_version (version, applied_at) VALUES ($v, $at)";
            mark.Parameters.AddWithValue("$v", v);
            mark.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            mark.ExecuteNonQuery();
        }
        tx.Commit();
        return (current, LatestVersion);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
