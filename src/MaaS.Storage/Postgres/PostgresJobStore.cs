namespace MaaS.Storage.Postgres;

/// <summary>
/// PostgreSQL <see cref="IJobStore"/>. Times come from the server's clock (<c>now()</c>), so replicas whose clocks
/// differ still agree on when a lease expires; claims take one transaction-scoped advisory lock per schema, so two
/// replicas can never both see a job claimable and both take it.
/// </summary>
internal sealed class PostgresJobStore(PostgresDatabase database) : IJobStore
{
    private const string Columns = """
        job_id, tenant, kind, state, phase, progress, metrics, request, result, error, input_sha256, input_bytes,
        claimed_by, lease_expires_at, attempts, created_at, started_at, finished_at, expires_at
        """;

    private readonly string _s = database.Schema;

    public async ValueTask<Result<JobRecord>> CreateAsync(NewJob job, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default)
    {
        if (JobCodec.New(job) is { } invalid)
        {
            return invalid;
        }

        byte[] data = input.ToArray();
        return await database.RunAsync("create job", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand($"""
                INSERT INTO {_s}.jobs (job_id, tenant, kind, state, phase, request, input_sha256, input_bytes, created_at, expires_at)
                VALUES ($1, $2, $3, 'queued', 'queued', $4, $5, $6, clock_timestamp(), $7);
                """, connection, tx))
            {
                Add(command, job.Id, job.Tenant, job.Kind, job.Request, job.InputSha256);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = data.Length });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)job.ExpiresAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand($"INSERT INTO {_s}.job_inputs (job_id, data) VALUES ($1, $2)", connection, tx))
            {
                Add(command, job.Id);
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = data });
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var stored = (await QueryAsync(connection, tx, $"SELECT {Columns} FROM {_s}.jobs WHERE job_id = $1", ct, job.Id).ConfigureAwait(false))[0];
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Result<JobRecord>> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!JobCodec.IsId(id))
        {
            return Error.NotFound("job");
        }

        var found = await database.RunAsync("get job", (connection, ct) =>
            QueryAsync(connection, null, $"SELECT {Columns} FROM {_s}.jobs WHERE job_id = $1 AND tenant = $2", ct, id, tenant), cancellationToken).ConfigureAwait(false);
        return !found.IsSuccess ? found.Error : found.Value.Count > 0 ? found.Value[0] : Error.NotFound("job");
    }

    public async ValueTask<Result<IReadOnlyList<JobRecord>>> ListAsync(
        string tenant, string? kind, JobCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }

        // Only the conditions that apply, so each of the four shapes is a plain range scan of (tenant, kind, created_at, job_id).
        var values = new List<NpgsqlParameter> { new NpgsqlParameter<string> { TypedValue = tenant }, new NpgsqlParameter<int> { TypedValue = limit } };
        var where = new StringBuilder("tenant = $1");
        if (kind is not null)
        {
            values.Add(new NpgsqlParameter<string> { TypedValue = kind });
            where.Append(CultureInfo.InvariantCulture, $" AND kind = ${values.Count}");
        }
        if (after is not null)
        {
            values.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(after.CreatedAt) });
            values.Add(new NpgsqlParameter<string> { TypedValue = after.Id });
            where.Append(CultureInfo.InvariantCulture, $" AND (created_at, job_id) < (${values.Count - 1}, ${values.Count})");
        }
        string sql = $"SELECT {Columns} FROM {_s}.jobs WHERE {where} ORDER BY created_at DESC, job_id DESC LIMIT $2";
        var found = await database.RunAsync("list jobs", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            // A retry runs this again: each attempt binds its own copies.
            command.Parameters.AddRange(values.Select(v => v.Clone()).ToArray());
            return await ReadAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? found.Value : found.Error;
    }

    public async ValueTask<Result<byte[]>> GetInputAsync(string id, CancellationToken cancellationToken = default)
    {
        var found = await database.RunAsync("get job input", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT data FROM {_s}.job_inputs WHERE job_id = $1", connection);
            Add(command, id);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[];
        }, cancellationToken).ConfigureAwait(false);
        return !found.IsSuccess ? found.Error : found.Value is { } data ? data : Error.NotFound("job input");
    }

    public async ValueTask<Result<IReadOnlyList<JobRecord>>> ClaimNextAsync(string owner, TimeSpan lease, JobLimits limits, CancellationToken cancellationToken = default)
    {
        if (JobCodec.Limits(limits) is { } invalid)
        {
            return invalid;
        }

        var claimed = await database.RunAsync("claim job", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
            {
                Add(lockCommand, "maas.jobs.claim:" + _s);
                await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (limits.Expired != false)
            {
                await using var expired = new NpgsqlCommand(
                    $"SELECT job_id FROM {_s}.jobs WHERE state = 'queued' AND expires_at <= now() ORDER BY expires_at LIMIT 1", connection, tx);
                if (await expired.ExecuteScalarAsync(ct).ConfigureAwait(false) is string id)
                {
                    var ending = await ClaimAsync(connection, tx, id, owner, lease, ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    return ending;
                }

                if (limits.Expired == true)
                {
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    return new List<JobRecord>();
                }
            }

            var running = new Dictionary<(string, string), int>();
            await using (var count = new NpgsqlCommand($"SELECT tenant, kind, count(*)::int FROM {_s}.jobs WHERE state = 'running' AND lease_expires_at >= now() GROUP BY tenant, kind", connection, tx))
            await using (var reader = await count.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    running[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
                }
            }

            var candidates = new List<(string Id, string Tenant, string Kind)>();
            await using (var pending = new NpgsqlCommand($"""
                SELECT job_id, tenant, kind FROM {_s}.jobs
                WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < now())
                ORDER BY seq LIMIT 500
                """, connection, tx))
            await using (var reader = await pending.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }

            if (JobCodec.Choose(candidates, running, limits) is not int chosen)
            {
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return new List<JobRecord>();
            }

            var jobs = await ClaimAsync(connection, tx, candidates[chosen].Id, owner, lease, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return jobs;
        }, cancellationToken).ConfigureAwait(false);
        return claimed.IsSuccess ? claimed.Value : claimed.Error;
    }

    private Task<List<JobRecord>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string id, string owner, TimeSpan lease, CancellationToken ct) =>
        QueryAsync(connection, tx, $"""
            UPDATE {_s}.jobs SET state = 'running', phase = 'starting', progress = 0, claimed_by = $2,
                lease_expires_at = now() + $3 * interval '1 millisecond', attempts = attempts + 1, started_at = now()
            WHERE job_id = $1
            RETURNING {Columns}
            """, ct, id, owner, (long)lease.TotalMilliseconds);

    public ValueTask<Result<JobRecord>> HeartbeatAsync(string id, string owner, JobProgress progress, TimeSpan lease, CancellationToken cancellationToken = default) =>
        UpdateAsync("job heartbeat", $"""
            UPDATE {_s}.jobs SET phase = $3, progress = $4, metrics = coalesce($5, metrics), lease_expires_at = now() + $6 * interval '1 millisecond'
            WHERE job_id = $1 AND state = 'running' AND claimed_by = $2
            """, id, cancellationToken, id, owner, progress.Phase, JobCodec.Clamp(progress.Progress), progress.Metrics, (long)lease.TotalMilliseconds);

    // The statement that ends a job drops its checkpoints: they live only while it may run again.
    public ValueTask<Result<JobRecord>> FinishAsync(string id, string owner, JobState state, string? result, string? error, CancellationToken cancellationToken = default) =>
        UpdateAsync("finish job", $"""
            WITH ended AS (
                UPDATE {_s}.jobs SET state = $3, phase = $3, result = $4, error = $5, finished_at = now(),
                    progress = CASE WHEN $3 = 'succeeded' THEN 1 ELSE progress END, lease_expires_at = NULL
                WHERE job_id = $1 AND state = 'running' AND claimed_by = $2
                RETURNING job_id)
            DELETE FROM {_s}.job_parts WHERE job_id IN (SELECT job_id FROM ended)
            """, id, cancellationToken, id, owner, JobStates.Name(state), result, error);

    // The server's clock, a millisecond back: a claim takes a lease that ended before its own now().
    public ValueTask<Result<JobRecord>> ReleaseAsync(string id, string owner, CancellationToken cancellationToken = default) =>
        UpdateAsync("release job", $"""
            UPDATE {_s}.jobs SET lease_expires_at = now() - interval '1 millisecond'
            WHERE job_id = $1 AND state = 'running' AND claimed_by = $2
            """, id, cancellationToken, id, owner);

    public async ValueTask<Result<JobRecord>> CancelAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        if (!JobCodec.IsId(id))
        {
            return Error.NotFound("job");
        }

        var job = await UpdateAsync("cancel job", $"""
            WITH ended AS (
                UPDATE {_s}.jobs SET state = 'cancelled', phase = 'cancelled', error = 'cancelled by the client', finished_at = now(), lease_expires_at = NULL
                WHERE job_id = $1 AND tenant = $2 AND state IN ('queued', 'running')
                RETURNING job_id)
            DELETE FROM {_s}.job_parts WHERE job_id IN (SELECT job_id FROM ended)
            """, id, cancellationToken, id, tenant).ConfigureAwait(false);
        return job.IsSuccess && job.Value.Tenant != tenant ? Error.NotFound("job") : job;
    }

    public async ValueTask<Result<bool>> SavePartAsync(string id, string owner, JobPart part, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part);
        var saved = await database.RunAsync("save job part", async (connection, ct) =>
        {
            // Held to the owner in the same statement: a run that lost the job (cancelled, taken over) stores nothing.
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {_s}.job_parts (job_id, seq, output, errors)
                SELECT $1, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM {_s}.jobs WHERE job_id = $1 AND state = 'running' AND claimed_by = $2)
                ON CONFLICT (job_id, seq) DO UPDATE SET output = excluded.output, errors = excluded.errors
                """, connection);
            Add(command, id, owner);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part.Seq });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = part.Output });
            command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = part.Errors });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken).ConfigureAwait(false);
        return saved.IsSuccess ? saved.Value : saved.Error;
    }

    public async ValueTask<Result<IReadOnlyList<JobPart>>> GetPartsAsync(string id, CancellationToken cancellationToken = default)
    {
        var found = await database.RunAsync("get job parts", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT seq, output, errors FROM {_s}.job_parts WHERE job_id = $1 ORDER BY seq", connection);
            Add(command, id);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var parts = new List<JobPart>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                parts.Add(new JobPart(reader.GetInt32(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2)));
            }

            return parts;
        }, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? found.Value : found.Error;
    }

    public async ValueTask<Result<int>> PurgeEndedBeforeAsync(JobScope scope, DateTimeOffset before, int limit, long maxInputBytes, CancellationToken cancellationToken = default)
    {
        var purged = await database.RunAsync("purge ended jobs", async (connection, ct) =>
        {
            // The inputs and parts go by their tables' ON DELETE CASCADE.
            await using var command = new NpgsqlCommand($"""
                DELETE FROM {_s}.jobs WHERE job_id IN (
                    SELECT job_id FROM (
                        SELECT job_id, row_number() OVER w AS n, sum(input_bytes) OVER w AS upto
                        FROM (SELECT job_id, input_bytes, finished_at FROM {_s}.jobs
                              WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at < $1
                                  AND {(scope.Tenant is null ? "NOT (tenant = ANY($4))" : "tenant = $4")} ORDER BY finished_at LIMIT $2) AS oldest
                        WINDOW w AS (ORDER BY finished_at ROWS UNBOUNDED PRECEDING)) AS running
                    WHERE n = 1 OR upto <= $3)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(limit, 0) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxInputBytes });
            command.Parameters.Add(scope.Tenant is { } tenant
                ? new NpgsqlParameter<string> { TypedValue = tenant }
                : new NpgsqlParameter<string[]> { TypedValue = [.. scope.ExceptTenants] });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return purged.IsSuccess ? purged.Value : purged.Error;
    }

    private async ValueTask<Result<JobRecord>> UpdateAsync(string operation, string sql, string id, CancellationToken cancellationToken, params object?[] values)
    {
        var found = await database.RunAsync(operation, async (connection, ct) =>
        {
            await using (var command = new NpgsqlCommand(sql, connection))
            {
                Add(command, values);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return await QueryAsync(connection, null, $"SELECT {Columns} FROM {_s}.jobs WHERE job_id = $1", ct, id).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return !found.IsSuccess ? found.Error : found.Value.Count > 0 ? found.Value[0] : Error.NotFound("job");
    }

    private static void Add(NpgsqlCommand command, params object?[] values)
    {
        foreach (object? value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter<string?> { TypedValue = null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                string text => new NpgsqlParameter<string> { TypedValue = text },
                long number => new NpgsqlParameter<long> { TypedValue = number },
                double number => new NpgsqlParameter<double> { TypedValue = number },
                _ => throw new ArgumentException($"unsupported parameter type {value.GetType().Name}", nameof(values)),
            });
        }
    }

    private static async Task<List<JobRecord>> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        Add(command, values);
        return await ReadAsync(command, ct).ConfigureAwait(false);
    }

    private static async Task<List<JobRecord>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            jobs.Add(new JobRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), JobStates.Parse(reader.GetString(3)), reader.GetString(4),
                reader.GetDouble(5), Text(reader, 6), reader.GetString(7), Text(reader, 8), Text(reader, 9), reader.GetString(10),
                reader.GetInt64(11), Text(reader, 12), Time(reader, 13), reader.GetInt32(14), reader.GetFieldValue<DateTimeOffset>(15),
                Time(reader, 16), Time(reader, 17), Time(reader, 18)));
        }

        return jobs;
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
