namespace MaaS.Storage.Postgres;

/// <summary>PostgreSQL <see cref="IAgentStore"/>; outcomes of one batch are read and written in one transaction with row locks.</summary>
internal sealed class PostgresAgentStore : IAgentStore
{
    private const string Columns = "seq, decision_id, tenant, agent, context, actions, chosen, probability, decided_at, reward, reward_source, rewarded_at, late_reward, activated_at, learned_in";
    private readonly PostgresDatabase _database;
    private readonly PostgresDecisionAppender _appender;
    private readonly string _putSql, _getSql, _listSql, _deleteSql, _findSql, _updateSql, _activateSql, _expireSql, _statsSql, _hoursSql;
    private readonly string _unlearntSql, _snapshotSql, _lockAgentSql, _insertSnapshotSql, _stampSql, _dropSnapshotsSql, _pruneSql;

    public PostgresAgentStore(PostgresDatabase database)
    {
        _database = database;
        _appender = new PostgresDecisionAppender(database);
        var s = database.Schema;
        // A creation (version 1) drops the decisions still logged under the name, in the same statement: the CTEs share
        // one snapshot, so it drops what was committed before it, which is all a deleted agent can have left.
        _putSql = $"""
            WITH put AS (
                INSERT INTO {s}.agents (tenant, name, definition, version, created_at, updated_at) VALUES ($1, $2, $3, 1, now(), now())
                ON CONFLICT (tenant, name) DO UPDATE SET definition = excluded.definition, version = {s}.agents.version + 1, updated_at = excluded.updated_at
                RETURNING version, updated_at),
            stale AS (DELETE FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2 AND (SELECT version FROM put) = 1),
            snapshots AS (DELETE FROM {s}.agent_snapshots WHERE tenant = $1 AND agent = $2)
            SELECT version, updated_at FROM put
            """;
        _getSql = $"SELECT definition, version, updated_at FROM {s}.agents WHERE tenant = $1 AND name = $2";
        _listSql = $"SELECT name, definition, version, updated_at FROM {s}.agents WHERE tenant = $1 AND name > $2 ORDER BY name LIMIT $3";
        _deleteSql = $"""
            WITH gone AS (DELETE FROM {s}.agents WHERE tenant = $1 AND name = $2 RETURNING 1),
            log AS (DELETE FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2),
            snapshots AS (DELETE FROM {s}.agent_snapshots WHERE tenant = $1 AND agent = $2)
            SELECT count(*) FROM gone
            """;
        _findSql = $"SELECT {Columns} FROM {s}.agent_decisions WHERE decision_id = ANY($1) AND tenant = $2 AND agent = $3 FOR UPDATE";
        _updateSql = $"UPDATE {s}.agent_decisions SET reward = $1, reward_source = $2, rewarded_at = $3, late_reward = $4 WHERE seq = $5";
        _activateSql = $"UPDATE {s}.agent_decisions SET activated_at = $1 WHERE seq = $2 AND activated_at IS NULL";
        _expireSql = $"""
            UPDATE {s}.agent_decisions SET reward = $1, reward_source = {(int)RewardSource.Default}, rewarded_at = now()
            WHERE seq IN (SELECT seq FROM {s}.agent_decisions WHERE tenant = $2 AND agent = $3 AND reward IS NULL AND activated_at IS NOT NULL
                          AND activated_at < $4 ORDER BY activated_at LIMIT $5 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """;
        _unlearntSql = $"""
            SELECT {Columns} FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2 AND seq > $3
            AND (learned_in IS NULL OR learned_in > $4) ORDER BY seq LIMIT $5
            """;
        _snapshotSql = $"""
            SELECT id, format, scan_from, state, created_at FROM {s}.agent_snapshots
            WHERE tenant = $1 AND agent = $2 AND version = $3 ORDER BY id DESC LIMIT 1
            """;
        // The agent's row lock serialises snapshots of one agent (and orders them after a redefinition): a snapshot's
        // id is drawn only under it, so ids grow in the order the snapshots commit.
        _lockAgentSql = $"""
            SELECT version, (SELECT coalesce(max(id), 0) FROM {s}.agent_snapshots WHERE tenant = $1 AND agent = $2 AND version = $3)
            FROM {s}.agents WHERE tenant = $1 AND name = $2 FOR UPDATE
            """;
        _insertSnapshotSql = $"""
            INSERT INTO {s}.agent_snapshots (tenant, agent, version, format, scan_from, state, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, now()) RETURNING id
            """;
        _stampSql = $"UPDATE {s}.agent_decisions SET learned_in = $1 WHERE seq = ANY($2) AND tenant = $3 AND agent = $4 AND learned_in IS NULL";
        _dropSnapshotsSql = $"DELETE FROM {s}.agent_snapshots WHERE tenant = $1 AND agent = $2 AND id < $3";
        _pruneSql = $"""
            DELETE FROM {s}.agent_decisions
            WHERE seq IN (SELECT seq FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2 AND decided_at < $3
                          AND (learned_in <= $4 OR activated_at IS NULL) ORDER BY seq LIMIT $5)
            """;
        _statsSql = $"""
            SELECT count(*), count(*) FILTER (WHERE reward_source = {(int)RewardSource.Outcome} AND activated_at IS NOT NULL),
                   count(*) FILTER (WHERE reward_source = {(int)RewardSource.Default}),
                   coalesce(sum(reward) FILTER (WHERE activated_at IS NOT NULL), 0), count(*) - count(activated_at)
            FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2
            """;
        _hoursSql = $"""
            SELECT date_trunc('hour', decided_at) AS hour, count(*), count(reward) FILTER (WHERE activated_at IS NOT NULL),
                   coalesce(sum(reward) FILTER (WHERE activated_at IS NOT NULL), 0)
            FROM {s}.agent_decisions WHERE tenant = $1 AND agent = $2 GROUP BY hour ORDER BY hour DESC LIMIT 48
            """;
    }

    public async ValueTask<Result<AgentRecord>> PutAsync(string tenant, string name, string definition, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return invalid;
        }
        return await _database.RunAsync("put agent", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_putSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return new AgentRecord(tenant, name, definition, reader.GetInt64(0), TimeCodec.FromUtcDateTime(reader.GetDateTime(1)));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Result<AgentRecord>> GetAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<AgentRecord?>("get agent", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_getSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new AgentRecord(tenant, name, reader.GetString(0), reader.GetInt64(1), TimeCodec.FromUtcDateTime(reader.GetDateTime(2)))
                : null;
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } record ? record : Error.NotFound("agent");
    }

    public async ValueTask<Result<IReadOnlyList<AgentRecord>>> ListAsync(string tenant, string? afterName, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? (afterName is null ? null : AgentValidator.Name(afterName, "afterName")) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<IReadOnlyList<AgentRecord>>("list agents", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_listSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = afterName ?? "" });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var agents = new List<AgentRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                agents.Add(new AgentRecord(tenant, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), TimeCodec.FromUtcDateTime(reader.GetDateTime(3))));
            }
            return agents;
        }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("delete agent", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_deleteSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<AgentDecision>> AppendAsync(AgentDecision decision, CancellationToken cancellationToken = default)
    {
        if (AgentValidator.Decision(decision) is { } invalid)
        {
            return invalid;
        }
        return await _appender.AppendAsync(decision, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<Result<IReadOnlyList<OutcomeResult>>> RecordOutcomesAsync(
        string tenant, string agent, IReadOnlyList<AgentOutcome> outcomes, DateTimeOffset lateBefore, double defaultReward, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? AgentValidator.Outcomes(outcomes)) is { } invalid)
        {
            return invalid;
        }
        var now = DateTimeOffset.UtcNow;
        var result = await _database.RunAsync<IReadOnlyList<OutcomeResult>>("record outcomes", (connection, ct) => ApplyLockedAsync(
            connection, tenant, agent, outcomes, o => o.DecisionId, (o, stored) => AgentOutcomeRules.Apply(o, stored, lateBefore, defaultReward, now),
            write =>
            {
                var command = new NpgsqlBatchCommand(_updateSql);
                command.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = write.Reward });
                command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)write.Source });
                command.Parameters.Add(new NpgsqlParameter<DateTime?> { TypedValue = write.RewardedAt is { } at ? TimeCodec.ToUtcDateTime(at) : null });
                command.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = write.LateReward });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = write.Sequence });
                return command;
            }, ct), cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? Result<IReadOnlyList<OutcomeResult>>.Ok(result.Value) : result.Error;
    }

    public async ValueTask<Result<IReadOnlyList<ActivationResult>>> ActivateAsync(
        string tenant, string agent, IReadOnlyList<string> decisionIds, DateTimeOffset activatedAt, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? AgentOutcomeRules.DecisionIds(decisionIds)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<IReadOnlyList<ActivationResult>>("activate decisions", (connection, ct) => ApplyLockedAsync(
            connection, tenant, agent, decisionIds, id => id, (id, stored) => AgentOutcomeRules.Activate(id, stored, activatedAt),
            write =>
            {
                var command = new NpgsqlBatchCommand(_activateSql);
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(activatedAt) });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = write.Sequence });
                return command;
            }, ct), cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? Result<IReadOnlyList<ActivationResult>>.Ok(result.Value) : result.Error;
    }

    public async ValueTask<Result<IReadOnlyList<AgentDecision>>> ExpireAsync(
        string tenant, string agent, DateTimeOffset activatedBefore, double defaultReward, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("expire decisions", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_expireSql, connection);
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = defaultReward });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(activatedBefore) });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await ReadAllAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        result.Value.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return result.Value;
    }

    // Snapshot ids start at 1: every decision, stamped or not, is after "snapshot 0".
    public ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadAsync(string tenant, string agent, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        ReadUnlearntAsync(tenant, agent, 0, afterSequence, limit, cancellationToken);

    public async ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadUnlearntAsync(
        string tenant, string agent, long afterSnapshot, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("read unlearnt decisions", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_unlearntSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSnapshot });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await ReadAllAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<AgentSnapshot>> GetSnapshotAsync(string tenant, string agent, long version, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<AgentSnapshot?>("get agent snapshot", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_snapshotSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new AgentSnapshot(version, reader.GetInt32(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3))
                {
                    Id = reader.GetInt64(0),
                    CreatedAt = TimeCodec.FromUtcDateTime(reader.GetDateTime(4)),
                }
                : null;
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return result.Error;
        }
        return result.Value is { } snapshot ? snapshot : Error.NotFound("snapshot");
    }

    public async ValueTask<Result<long>> SaveSnapshotAsync(
        string tenant, string agent, AgentSnapshot snapshot, long previous, IReadOnlyList<long> learnt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(learnt);
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync<Result<long>>("save agent snapshot", async (connection, ct) =>
        {
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var check = new NpgsqlCommand(_lockAgentSql, connection, tx))
            {
                check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                check.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Version });
                await using var reader = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false) || reader.GetInt64(0) != snapshot.Version || reader.GetInt64(1) != previous)
                {
                    return new Error(ErrorCode.Conflict, "the agent was redefined or snapshotted meanwhile");
                }
            }
            long id;
            await using (var insert = new NpgsqlCommand(_insertSnapshotSql, connection, tx))
            {
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Version });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = snapshot.Format });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.ScanFrom });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = snapshot.State });
                id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }
            await using (var stamp = new NpgsqlCommand(_stampSql, connection, tx))
            {
                stamp.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                stamp.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. learnt] });
                stamp.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                stamp.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                if (await stamp.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != learnt.Count)
                {
                    return new Error(ErrorCode.Conflict, "a decision the snapshot learnt is gone or stamped already");
                }
            }
            await using (var drop = new NpgsqlCommand(_dropSnapshotsSql, connection, tx))
            {
                drop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                drop.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                drop.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return Result<long>.Ok(id);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<int>> PruneAsync(
        string tenant, string agent, DateTimeOffset decidedBefore, long coveredBy, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return invalid;
        }
        var result = await _database.RunAsync("prune decisions", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(_pruneSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = TimeCodec.ToUtcDateTime(decidedBefore) });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = coveredBy });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? result.Value : result.Error;
    }

    public async ValueTask<Result<AgentLogStats>> StatsAsync(string tenant, string agent, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return invalid;
        }
        return await _database.RunAsync("agent stats", async (connection, ct) =>
        {
            long decisions, outcomes, defaulted, inactive;
            double sum;
            await using (var command = new NpgsqlCommand(_statsSql, connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                (decisions, outcomes, defaulted, sum, inactive) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4));
            }
            var hours = new List<AgentHour>();
            await using (var command = new NpgsqlCommand(_hoursSql, connection))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    hours.Add(new AgentHour(TimeCodec.FromUtcDateTime(reader.GetDateTime(0)), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3)));
                }
            }
            hours.Reverse();
            return new AgentLogStats(decisions, outcomes, defaulted, sum, hours, inactive);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction over a batch naming decisions (outcomes, activations): the decisions locked <c>FOR UPDATE</c>,
    /// each item's answer and write from <paramref name="rule"/> (a later item of the same decision sees the earlier
    /// one's write), the writes sent as one batch.
    /// </summary>
    private async Task<IReadOnlyList<TResult>> ApplyLockedAsync<TItem, TResult>(
        NpgsqlConnection connection, string tenant, string agent, IReadOnlyList<TItem> items, Func<TItem, string> id,
        Func<TItem, AgentDecision?, (TResult Result, AgentDecision? Write)> rule, Func<AgentDecision, NpgsqlBatchCommand> write, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var stored = new Dictionary<string, AgentDecision>(StringComparer.Ordinal);
        await using (var find = new NpgsqlCommand(_findSql, connection, tx))
        {
            find.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. items.Select(id).Distinct(StringComparer.Ordinal)] });
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agent });
            await using var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var decision = Read(reader);
                stored[decision.DecisionId] = decision;
            }
        }
        var results = new List<TResult>(items.Count);
        var batch = new NpgsqlBatch(connection, tx);
        await using (batch.ConfigureAwait(false))
        {
            foreach (TItem item in items)
            {
                (TResult answer, AgentDecision? written) = rule(item, stored.GetValueOrDefault(id(item)));
                results.Add(answer);
                if (written is not null)
                {
                    stored[written.DecisionId] = written;
                    batch.BatchCommands.Add(write(written));
                }
            }
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return results;
    }

    private static async Task<List<AgentDecision>> ReadAllAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<AgentDecision>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }
        return list;
    }

    private static AgentDecision Read(NpgsqlDataReader reader) =>
        AgentDecisionCodec.Read(reader, static (row, column) => TimeCodec.FromUtcDateTime(row.GetDateTime(column)));
}
