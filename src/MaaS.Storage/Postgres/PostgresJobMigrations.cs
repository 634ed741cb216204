namespace MaaS.Storage.Postgres;

/// <summary>
/// Schema of the job tables (<c>{s}</c> is the quoted schema), versioned in its own <c>jobs_schema_version</c> table
/// and advisory lock so it never interleaves with the data or security families.
/// </summary>
internal static class PostgresJobMigrations
{
    public static readonly PostgresMigrationSet Set = new("jobs_schema_version", "maas.jobs", "Jobs schema",
    [
        """
        CREATE TABLE {s}.jobs (
            job_id           text COLLATE "C" PRIMARY KEY,
            tenant           text COLLATE "C" NOT NULL,
            kind             text NOT NULL,
            state            text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            phase            text NOT NULL,
            progress         double precision NOT NULL DEFAULT 0,
            metrics          text,
            request          text NOT NULL,
            result           text,
            error            text,
            input_sha256     text NOT NULL,
            input_bytes      bigint NOT NULL,
            claimed_by       text,
            lease_expires_at timestamptz,
            attempts         integer NOT NULL DEFAULT 0,
            created_at       timestamptz NOT NULL,
            started_at       timestamptz,
            finished_at      timestamptz
        );
        CREATE INDEX jobs_pending ON {s}.jobs (state, created_at);
        CREATE INDEX jobs_tenant ON {s}.jobs (tenant, created_at);
        CREATE TABLE {s}.job_inputs (
            job_id text COLLATE "C" PRIMARY KEY REFERENCES {s}.jobs (job_id) ON DELETE CASCADE,
            data   bytea NOT NULL
        );
        """,
    ]);
}
