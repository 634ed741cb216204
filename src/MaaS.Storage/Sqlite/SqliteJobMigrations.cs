namespace MaaS.Storage.Sqlite;

/// <summary>
/// Schema of the job tables, versioned in its own <c>jobs_schema_version</c> table so it never interleaves with the
/// data or security families. A released script never changes.
/// </summary>
internal static class SqliteJobMigrations
{
    public static readonly SqliteMigrationSet Set = new("jobs_schema_version", "Jobs schema",
    [
        """
        CREATE TABLE jobs (
            job_id           TEXT PRIMARY KEY,
            tenant           TEXT NOT NULL,
            kind             TEXT NOT NULL,
            state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            phase            TEXT NOT NULL,
            progress         REAL NOT NULL DEFAULT 0,
            metrics          TEXT,
            request          TEXT NOT NULL,
            result           TEXT,
            error            TEXT,
            input_sha256     TEXT NOT NULL,
            input_bytes      INTEGER NOT NULL,
            claimed_by       TEXT,
            lease_expires_at INTEGER,
            attempts         INTEGER NOT NULL DEFAULT 0,
            created_at       INTEGER NOT NULL,
            started_at       INTEGER,
            finished_at      INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX ix_jobs_pending ON jobs (state, created_at);
        CREATE INDEX ix_jobs_tenant ON jobs (tenant, created_at);
        CREATE TABLE job_inputs (
            job_id TEXT PRIMARY KEY REFERENCES jobs (job_id) ON DELETE CASCADE,
            data   BLOB NOT NULL
        ) WITHOUT ROWID;
        """,
        // v2: a WITHOUT ROWID table has no insertion order, and created_at has millisecond steps: jobs created in one
        // millisecond were claimed in id order. seq numbers jobs in creation order (existing ones by created_at, then
        // id, the order they were claimed in before), and claims follow it.
        """
        ALTER TABLE jobs ADD COLUMN seq INTEGER;
        UPDATE jobs SET seq = o.n FROM (SELECT job_id, row_number() OVER (ORDER BY created_at, job_id) AS n FROM jobs) AS o WHERE o.job_id = jobs.job_id;
        CREATE UNIQUE INDEX ix_jobs_seq ON jobs (seq);
        DROP INDEX ix_jobs_pending;
        CREATE INDEX ix_jobs_pending ON jobs (state, seq);
        """,
        // v3: lists page one kind of the tenant's jobs newest first (trainings apart from the many scheduled rebuilds),
        // from a place in that order: a range of this index, not a scan of the tenant's jobs.
        """
        CREATE INDEX ix_jobs_tenant_kind ON jobs (tenant, kind, created_at, job_id);
        """,
        // v4: the files of OpenAI's Files API, which batch jobs read their input from and write their output to; a
        // tenant's list pages by (created_at, file_id) within a purpose or over all.
        """
        CREATE TABLE files (
            file_id    TEXT PRIMARY KEY,
            tenant     TEXT NOT NULL,
            filename   TEXT NOT NULL,
            purpose    TEXT NOT NULL,
            bytes      INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            data       BLOB NOT NULL
        );
        CREATE INDEX ix_files_tenant ON files (tenant, created_at, file_id);
        CREATE INDEX ix_files_tenant_purpose ON files (tenant, purpose, created_at, file_id);
        """,
        // v5: checkpoints of a running batch, parts of its output and error files, so a run taken up again after a
        // crash starts after the last part instead of answering every line again; dropped with the job.
        """
        CREATE TABLE job_parts (
            job_id TEXT NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
            seq    INTEGER NOT NULL,
            output BLOB NOT NULL,
            errors BLOB NOT NULL,
            PRIMARY KEY (job_id, seq)
        ) WITHOUT ROWID;
        """,
        // v6: retention (Jobs:MaxEndedAgeSeconds) deletes ended jobs oldest first: a range of this index, not a walk of
        // every job each pass. Only ended jobs are in it; a job enters it once, when it ends.
        """
        CREATE INDEX ix_jobs_ended ON jobs (finished_at) WHERE state IN ('succeeded', 'failed', 'cancelled');
        """,
        // v7: a file may expire (OpenAI's expires_after; NULL: kept until deleted), Unix ms. Reads treat an expired file
        // as gone; FileExpiry deletes them soonest first, a range of this index.
        """
        ALTER TABLE files ADD COLUMN expires_at INTEGER;
        CREATE INDEX ix_files_expiry ON files (expires_at) WHERE expires_at IS NOT NULL;
        """,
        // v8: a job may expire (a batch's completion window; NULL: never), Unix ms. A claim takes a queued job whose
        // expiry passed first, beyond the limits: the soonest of ix_jobs_expiring. Jobs queued before have none. A
        // tenant's own retention (Jobs:TenantMaxEndedAgeSeconds) deletes its ended jobs by ix_jobs_tenant_ended.
        """
        ALTER TABLE jobs ADD COLUMN expires_at INTEGER;
        CREATE INDEX ix_jobs_expiring ON jobs (expires_at) WHERE state = 'queued' AND expires_at IS NOT NULL;
        CREATE INDEX ix_jobs_tenant_ended ON jobs (tenant, finished_at) WHERE state IN ('succeeded', 'failed', 'cancelled');
        """,
    ]);
}
