namespace MaaS.Storage.Sqlite;

/// <summary>
/// SQLite <see cref="IJobStore"/>. Every write runs on the file's one writer connection, and other processes on the
/// same file wait for its write lock, so a claim's check and update cannot interleave with another claim.
/// </summary>
internal sealed class SqliteJobStore(SqliteDatabase database) : IJobStore
{
    /// <summary>
    /// One batch of retention: the ended jobs oldest first, a range of ix_jobs_ended, named because without statistics
    /// the planner takes ix_jobs_pending and sorts (internal for the query-plan test).
    /// </summary>
    /// <summary>
    /// One batch of job retention over every tenant but those of <c>$except</c> (a JSON array): a range of
    /// ix_jobs_ended, oldest first, cut where the inputs pass <c>$bytes</c> (internal for the query-plan test).
    /// </summary>
    internal const string PurgeEndedSql = $"""
        {PurgeHead}
        FROM jobs INDEXED BY ix_jobs_ended
        WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at < $before
            AND tenant NOT IN (SELECT value FROM json_each($except))
        {PurgeTail}
        """;

    /// <summary>The same batch over one tenant's jobs (<c>$tenant</c>): a range of ix_jobs_tenant_ended.</summary>
    internal const string PurgeTenantEndedSql = $"""
        {PurgeHead}
        FROM jobs INDEXED BY ix_jobs_tenant_ended
        WHERE tenant = $tenant AND state IN ('succeeded', 'failed', 'cancelled') AND finished_at < $before
        {PurgeTail}
        """;

    // Around the ended jobs a batch reads, oldest first: the running sum of their inputs, cut at $bytes (the first goes).
    private const string PurgeHead = """
        DELETE FROM jobs WHERE job_id IN (
            SELECT job_id FROM (
                SELECT job_id, row_number() OVER w AS n, sum(input_bytes) OVER w AS upto
                FROM (SELECT job_id, input_bytes, finished_at
        """;

    private const string PurgeTail = """
                      ORDER BY finished_at LIMIT $limit)
                WINDOW w AS (ORDER BY finished_at ROWS UNBOUNDED PRECEDING))
            WHERE n = 1 OR upto <= $bytes)
        """;

    private const string Columns = """
        job_id, tenant, kind, state, phase, progress, metrics, request, result, error, input_sha256, input_bytes,
        claimed_by, lease_expires_at, attempts, created_at, started_at, finished_at, expires_at
        """;

    public ValueTask<Result<JobRecord>> CreateAsync(NewJob job, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default)
    {
        if (JobCodec.New(job) is { } invalid)
        {
            return ValueTask.FromResult<Result<JobRecord>>(invalid);
        }

        byte[] data = input.ToArray();
        return database.WriteAsync<JobRecord>("create job", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, """
                INSERT INTO jobs (job_id, tenant, kind, state, phase, request, input_sha256, input_bytes, created_at, seq, expires_at)
                VALUES ($id, $tenant, $kind, 'queued', 'queued', $request, $sha, $bytes, $now, (SELECT coalesce(max(seq), 0) + 1 FROM jobs), $expires);
                INSERT INTO job_inputs (job_id, data) VALUES ($id, $data);
                """);
            command.Parameters.AddWithValue("$id", job.Id);
            command.Parameters.AddWithValue("$tenant", job.Tenant);
            command.Parameters.AddWithValue("$kind", job.Kind);
            command.Parameters.AddWithValue("$request", job.Request);
            command.Parameters.AddWithValue("$sha", job.InputSha256);
            command.Parameters.AddWithValue("$bytes", (long)data.Length);
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$data", data);
            command.Parameters.AddWithValue("$expires", job.ExpiresAt is { } expires ? (object)TimeCodec.ToUnixMs(expires) : DBNull.Value);
            command.ExecuteNonQuery();
            return Get(connection, tx, job.Id)!;
        }, cancellationToken);
    }

    public ValueTask<Result<JobRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!JobCodec.IsId(id))
        {
            return ValueTask.FromResult<Result<JobRecord>>(Error.NotFound("job"));
        }

        return database.ReadAsync<JobRecord>("get job", connection =>
            Get(connection, null, id) is { } job && job.Tenant == tenant ? job : Error.NotFound("job"));
    }

    public ValueTask<Result<IReadOnlyList<JobRecord>>> ListAsync(
        string tenant, string? kind, JobCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<JobRecord>>>(invalid);
        }

        return database.ReadAsync<IReadOnlyList<JobRecord>>("list jobs", connection =>
        {
            using var command = SqliteQueries.Command(connection, null, $"""
                SELECT {Columns} FROM jobs WHERE tenant = $tenant{(kind is null ? "" : " AND kind = $kind")}{(after is null ? "" : " AND (created_at, job_id) < ($at, $id)")}
                ORDER BY created_at DESC, job_id DESC LIMIT $limit
                """);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$kind", (object?)kind ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", after is null ? DBNull.Value : TimeCodec.ToUnixMs(after.CreatedAt));
            command.Parameters.AddWithValue("$id", (object?)after?.Id ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit);
            return Read(command);
        });
    }

    public ValueTask<Result<byte[]>> GetInputAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync<byte[]>("get job input", connection =>
        {
            using var command = SqliteQueries.Command(connection, null, "SELECT data FROM job_inputs WHERE job_id = $id");
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteScalar() is byte[] data ? data : Error.NotFound("job input");
        });

    public ValueTask<Result<IReadOnlyList<JobRecord>>> ClaimNextAsync(string owner, TimeSpan lease, JobLimits limits, CancellationToken cancellationToken = default)
    {
        if (JobCodec.Limits(limits) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<JobRecord>>>(invalid);
        }

        return database.WriteAsync<IReadOnlyList<JobRecord>>("claim job", (connection, tx) =>
        {
            long now = Now();
            if (limits.Expired != false)
            {
                using var expired = SqliteQueries.Command(connection, tx, """
                    SELECT job_id FROM jobs INDEXED BY ix_jobs_expiring WHERE state = 'queued' AND expires_at <= $now ORDER BY expires_at LIMIT 1
                    """);
                expired.Parameters.AddWithValue("$now", now);
                if (expired.ExecuteScalar() is string id)
                {
                    return new[] { Claim(connection, tx, id, owner, lease, now) };
                }

                if (limits.Expired == true)
                {
                    return Array.Empty<JobRecord>();
                }
            }

            var running = new Dictionary<(string, string), int>();
            using (var count = SqliteQueries.Command(connection, tx, "SELECT tenant, kind, count(*) FROM jobs WHERE state = 'running' AND lease_expires_at >= $now GROUP BY tenant, kind"))
            {
                count.Parameters.AddWithValue("$now", now);
                using var reader = count.ExecuteReader();
                while (reader.Read())
                {
                    running[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
                }
            }

            var candidates = new List<(string Id, string Tenant, string Kind)>();
            using (var pending = SqliteQueries.Command(connection, tx, """
                SELECT job_id, tenant, kind FROM jobs
                WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < $now)
                ORDER BY seq LIMIT 500
                """))
            {
                pending.Parameters.AddWithValue("$now", now);
                using var reader = pending.ExecuteReader();
                while (reader.Read())
                {
                    candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            if (JobCodec.Choose(candidates, running, limits) is not int chosen)
            {
                return Array.Empty<JobRecord>();
            }

            return new[] { Claim(connection, tx, candidates[chosen].Id, owner, lease, now) };
        }, cancellationToken);
    }

    private static JobRecord Claim(SqliteConnection connection, SqliteTransaction tx, string id, string owner, TimeSpan lease, long now)
    {
        using var claim = SqliteQueries.Command(connection, tx, """
            UPDATE jobs SET state = 'running', phase = 'starting', progress = 0, claimed_by = $owner,
                lease_expires_at = $lease, attempts = attempts + 1, started_at = $now
            WHERE job_id = $id
            """);
        claim.Parameters.AddWithValue("$owner", owner);
        claim.Parameters.AddWithValue("$lease", now + (long)lease.TotalMilliseconds);
        claim.Parameters.AddWithValue("$now", now);
        claim.Parameters.AddWithValue("$id", id);
        claim.ExecuteNonQuery();
        return Get(connection, tx, id)!;
    }

    public ValueTask<Result<JobRecord>> HeartbeatAsync(string id, string owner, JobProgress progress, TimeSpan lease, CancellationToken cancellationToken = default) =>
        database.WriteAsync<JobRecord>("job heartbeat", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, """
                UPDATE jobs SET phase = $phase, progress = $progress, metrics = coalesce($metrics, metrics), lease_expires_at = $lease
                WHERE job_id = $id AND state = 'running' AND claimed_by = $owner
                """);
            command.Parameters.AddWithValue("$phase", progress.Phase);
            command.Parameters.AddWithValue("$progress", JobCodec.Clamp(progress.Progress));
            command.Parameters.AddWithValue("$metrics", (object?)progress.Metrics ?? DBNull.Value);
            command.Parameters.AddWithValue("$lease", Now() + (long)lease.TotalMilliseconds);
            return UpdateHeld(connection, tx, command, id, owner);
        }, cancellationToken);

    public ValueTask<Result<JobRecord>> FinishAsync(string id, string owner, JobState state, string? result, string? error, CancellationToken cancellationToken = default) =>
        database.WriteAsync<JobRecord>("finish job", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, """
                UPDATE jobs SET state = $state, phase = $state, result = $result, error = $error, finished_at = $now,
                    progress = CASE WHEN $state = 'succeeded' THEN 1 ELSE progress END, lease_expires_at = NULL
                WHERE job_id = $id AND state = 'running' AND claimed_by = $owner
                """);
            command.Parameters.AddWithValue("$state", JobStates.Name(state));
            command.Parameters.AddWithValue("$result", (object?)result ?? DBNull.Value);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", Now());
            var finished = UpdateHeld(connection, tx, command, id, owner);
            DropPartsOfEnded(connection, tx, id);
            return finished;
        }, cancellationToken);

    // One millisecond back: a claim takes a lease that ended before its own clock reading (lease_expires_at < now).
    public ValueTask<Result<JobRecord>> ReleaseAsync(string id, string owner, CancellationToken cancellationToken = default) =>
        database.WriteAsync<JobRecord>("release job", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, """
                UPDATE jobs SET lease_expires_at = $now - 1
                WHERE job_id = $id AND state = 'running' AND claimed_by = $owner
                """);
            command.Parameters.AddWithValue("$now", Now());
            return UpdateHeld(connection, tx, command, id, owner);
        }, cancellationToken);

    public ValueTask<Result<JobRecord>> CancelAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!JobCodec.IsId(id))
        {
            return ValueTask.FromResult<Result<JobRecord>>(Error.NotFound("job"));
        }

        return database.WriteAsync<JobRecord>("cancel job", (connection, tx) =>
        {
            using var command = SqliteQueries.Command(connection, tx, """
                UPDATE jobs SET state = 'cancelled', phase = 'cancelled', error = 'cancelled by the client', finished_at = $now, lease_expires_at = NULL
                WHERE job_id = $id AND tenant = $tenant AND state IN ('queued', 'running')
                """);
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$tenant", tenant);
            command.ExecuteNonQuery();
            DropPartsOfEnded(connection, tx, id);
            return Get(connection, tx, id) is { } job && job.Tenant == tenant ? job : Error.NotFound("job");
        }, cancellationToken);
    }

    public ValueTask<Result<bool>> SavePartAsync(string id, string owner, JobPart part, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part);
        return database.WriteAsync<bool>("save job part", (connection, tx) =>
        {
            // Held to the owner in the same statement: a run that lost the job (cancelled, taken over) stores nothing.
            using var command = SqliteQueries.Command(connection, tx, """
                INSERT INTO job_parts (job_id, seq, output, errors)
                SELECT $id, $seq, $output, $errors WHERE EXISTS (SELECT 1 FROM jobs WHERE job_id = $id AND state = 'running' AND claimed_by = $owner)
                ON CONFLICT (job_id, seq) DO UPDATE SET output = excluded.output, errors = excluded.errors
                """);
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$seq", part.Seq);
            command.Parameters.AddWithValue("$output", part.Output);
            command.Parameters.AddWithValue("$errors", part.Errors);
            command.Parameters.AddWithValue("$owner", owner);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<JobPart>>> GetPartsAsync(string id, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<JobPart>>("get job parts", connection =>
        {
            using var command = SqliteQueries.Command(connection, null, "SELECT seq, output, errors FROM job_parts WHERE job_id = $id ORDER BY seq");
            command.Parameters.AddWithValue("$id", id);
            using var reader = command.ExecuteReader();
            var parts = new List<JobPart>();
            while (reader.Read())
            {
                parts.Add(new JobPart(reader.GetInt32(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
            }

            return parts;
        });

    public ValueTask<Result<int>> PurgeEndedBeforeAsync(JobScope scope, DateTimeOffset before, int limit, long maxInputBytes, CancellationToken cancellationToken = default) =>
        database.WriteAsync<int>("purge ended jobs", (connection, tx) =>
        {
            // The inputs and parts go by their tables' ON DELETE CASCADE (foreign keys are on for the writer).
            using var command = SqliteQueries.Command(connection, tx, scope.Tenant is null ? PurgeEndedSql : PurgeTenantEndedSql);
            if (scope.Tenant is { } tenant)
            {
                command.Parameters.AddWithValue("$tenant", tenant);
            }
            else
            {
                command.Parameters.AddWithValue("$except", LabelCodec.Encode([.. scope.ExceptTenants]));
            }

            command.Parameters.AddWithValue("$before", TimeCodec.ToUnixMs(before));
            command.Parameters.AddWithValue("$limit", Math.Max(limit, 0));
            command.Parameters.AddWithValue("$bytes", maxInputBytes);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static long Now() => TimeCodec.ToUnixMs(DateTimeOffset.UtcNow);

    // Runs an update whose WHERE holds it to the job ($id) still running under its owner ($owner); the job as stored after it.
    private static Result<JobRecord> UpdateHeld(SqliteConnection connection, SqliteTransaction tx, SqliteCommand command, string id, string owner)
    {
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$owner", owner);
        command.ExecuteNonQuery();
        return Get(connection, tx, id) is { } job ? job : Error.NotFound("job");
    }

    // A job's checkpoints live only while it may run again: the transaction that ends it (finished or cancelled) drops them.
    private static void DropPartsOfEnded(SqliteConnection connection, SqliteTransaction tx, string id)
    {
        using var command = SqliteQueries.Command(connection, tx, """
            DELETE FROM job_parts WHERE job_id = $id
                AND EXISTS (SELECT 1 FROM jobs WHERE job_id = $id AND state NOT IN ('queued', 'running'))
            """);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    private static JobRecord? Get(SqliteConnection connection, SqliteTransaction? tx, string id)
    {
        using var command = SqliteQueries.Command(connection, tx, $"SELECT {Columns} FROM jobs WHERE job_id = $id");
        command.Parameters.AddWithValue("$id", id);
        return Read(command).FirstOrDefault();
    }

    private static List<JobRecord> Read(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var jobs = new List<JobRecord>();
        while (reader.Read())
        {
            jobs.Add(new JobRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), JobStates.Parse(reader.GetString(3)), reader.GetString(4),
                reader.GetDouble(5), Text(reader, 6), reader.GetString(7), Text(reader, 8), Text(reader, 9), reader.GetString(10),
                reader.GetInt64(11), Text(reader, 12), Time(reader, 13), reader.GetInt32(14), TimeCodec.FromUnixMs(reader.GetInt64(15)),
                Time(reader, 16), Time(reader, 17), Time(reader, 18)));
        }

        return jobs;
    }

    private static string? Text(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : TimeCodec.FromUnixMs(reader.GetInt64(i));
}
