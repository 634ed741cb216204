namespace MaaS.Storage.Postgres;

/// <summary>
/// Schema of the key and market tables (<c>{s}</c> is the quoted schema), versioned in its own
/// <c>security_schema_version</c> table and advisory lock so it never interleaves with <see cref="PostgresMigrations"/>.
/// </summary>
internal static class PostgresSecurityMigrations
{
    public static readonly PostgresMigrationSet Set = new("security_schema_version", "maas.security", "Security schema",
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
        // Version policies: a model's pinned default and canary, one row per model with either (bundled models have
        // no listing, so no reference to it). Changes NOTIFY maas_model_policy_changes.
        """
        CREATE TABLE {s}.model_version_policies (
            name            text COLLATE "C" PRIMARY KEY,
            default_version bigint CHECK (default_version > 0),
            canary_version  bigint CHECK (canary_version > 0),
            canary_percent  integer CHECK (canary_percent BETWEEN 1 AND 99),
            updated_at      timestamptz NOT NULL,
            CHECK ((canary_version IS NULL) = (canary_percent IS NULL))
        );
        """,
    ]);
}
