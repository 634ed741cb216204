namespace MaaS.Storage.Sqlite;

/// <summary>
/// Schema of the key and market tables, versioned in its own <c>security_schema_version</c> table so it never
/// interleaves with <see cref="SqliteMigrations"/>. A released script never changes.
/// </summary>
internal static class SqliteSecurityMigrations
{
    public static readonly SqliteMigrationSet Set = new("security_schema_version", "Security schema",
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
        // Version policies: a model's pinned default and canary, one row per model with either (bundled models have
        // no listing, so no reference to it).
        """
        CREATE TABLE model_version_policies (
            name            TEXT PRIMARY KEY,
            default_version INTEGER CHECK (default_version > 0),
            canary_version  INTEGER CHECK (canary_version > 0),
            canary_percent  INTEGER CHECK (canary_percent BETWEEN 1 AND 99),
            updated_at      INTEGER NOT NULL,
            CHECK ((canary_version IS NULL) = (canary_percent IS NULL))
        ) WITHOUT ROWID;
        """,
    ]);
}
