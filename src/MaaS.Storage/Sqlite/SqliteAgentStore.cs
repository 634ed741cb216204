namespace MaaS.Storage.Sqlite;

/// <summary>SQLite <see cref="IAgentStore"/>: every write goes through the file's one writer (group commit).</summary>
internal sealed class SqliteAgentStore(SqliteDatabase database) : IAgentStore
{
    private const string Columns = "seq, decision_id, tenant, agent, context, actions, chosen, probability, decided_at, reward, reward_source, rewarded_at, late_reward, activated_at, learned_in";

    public ValueTask<Result<AgentRecord>> PutAsync(string tenant, string name, string definition, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return ValueTask.FromResult<Result<AgentRecord>>(invalid);
        }
        return database.WriteAsync<AgentRecord>("put agent", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                INSERT INTO agents (tenant, name, definition, version, created_at, updated_at) VALUES ($tenant, $name, $definition, 1, $now, $now)
                ON CONFLICT (tenant, name) DO UPDATE SET definition = excluded.definition, version = agents.version + 1, updated_at = excluded.updated_at
                RETURNING version, updated_at
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$definition", definition);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            AgentRecord record;
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                record = new AgentRecord(tenant, name, definition, reader.GetInt64(0), TimeCodec.FromUnixMs(reader.GetInt64(1)));
            }
            if (record.Version == 1)
            {
                DeleteDecisions(connection, tx, tenant, name);
            }
            // A new definition learns anew: no snapshot of the old one is ever restored.
            DeleteSnapshots(connection, tx, tenant, name, long.MaxValue);
            return record;
        }, cancellationToken);
    }

    public ValueTask<Result<AgentRecord>> GetAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return ValueTask.FromResult<Result<AgentRecord>>(invalid);
        }
        return database.ReadAsync<AgentRecord>("get agent", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT definition, version, updated_at FROM agents WHERE tenant = $tenant AND name = $name";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AgentRecord(tenant, name, reader.GetString(0), reader.GetInt64(1), TimeCodec.FromUnixMs(reader.GetInt64(2)))
                : Error.NotFound("agent");
        });
    }

    public ValueTask<Result<IReadOnlyList<AgentRecord>>> ListAsync(string tenant, string? afterName, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? (afterName is null ? null : AgentValidator.Name(afterName, "afterName")) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<AgentRecord>>>(invalid);
        }
        return database.ReadAsync<IReadOnlyList<AgentRecord>>("list agents", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, definition, version, updated_at FROM agents WHERE tenant = $tenant AND name > $after ORDER BY name LIMIT $limit";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$after", afterName ?? "");
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var agents = new List<AgentRecord>();
            while (reader.Read())
            {
                agents.Add(new AgentRecord(tenant, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), TimeCodec.FromUnixMs(reader.GetInt64(3))));
            }
            return agents;
        });
    }

    public ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(name)) is { } invalid)
        {
            return ValueTask.FromResult<Result<bool>>(invalid);
        }
        return database.WriteAsync<bool>("delete agent", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "DELETE FROM agents WHERE tenant = $tenant AND name = $name";
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$name", name);
            bool existed = command.ExecuteNonQuery() > 0;
            DeleteDecisions(connection, tx, tenant, name);
            DeleteSnapshots(connection, tx, tenant, name, long.MaxValue);
            return existed;
        }, cancellationToken);
    }

    public ValueTask<Result<AgentDecision>> AppendAsync(AgentDecision decision, CancellationToken cancellationToken = default)
    {
        if (AgentValidator.Decision(decision) is { } invalid)
        {
            return ValueTask.FromResult<Result<AgentDecision>>(invalid);
        }
        long decidedAt = TimeCodec.ToUnixMs(decision.DecidedAt);
        // One prepared statement per decision, no savepoint: concurrent decisions share the writer's commits in groups
        // of up to hundreds, each still durable before its caller hears of it.
        return database.WriteStatementAsync("append decision",
            (_, _) => decision with { Sequence = database.WriterCommands.InsertDecision(decision, decidedAt) }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<OutcomeResult>>> RecordOutcomesAsync(
        string tenant, string agent, IReadOnlyList<AgentOutcome> outcomes, DateTimeOffset lateBefore, double defaultReward, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? AgentValidator.Outcomes(outcomes)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<OutcomeResult>>>(invalid);
        }
        return database.WriteAsync<IReadOnlyList<OutcomeResult>>("record outcomes", (connection, tx) =>
        {
            long now = TimeCodec.ToUnixMs(DateTimeOffset.UtcNow);
            long late = TimeCodec.ToUnixMs(lateBefore);
            using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE agent_decisions SET reward = $reward, reward_source = $source, rewarded_at = $at, late_reward = $late WHERE seq = $seq";
            var reward = update.Parameters.Add("$reward", SqliteType.Real);
            var source = update.Parameters.Add("$source", SqliteType.Integer);
            var lateReward = update.Parameters.Add("$late", SqliteType.Real);
            var seq = update.Parameters.Add("$seq", SqliteType.Integer);
            var at = update.Parameters.Add("$at", SqliteType.Integer);
            return ApplyEach(connection, tx, tenant, agent, outcomes, o => o.DecisionId,
                (o, stored) => AgentOutcomeRules.Apply(o, stored, TimeCodec.FromUnixMs(late), defaultReward, TimeCodec.FromUnixMs(now)),
                write =>
                {
                    reward.Value = (object?)write.Reward ?? DBNull.Value;
                    source.Value = (int)write.Source;
                    lateReward.Value = (object?)write.LateReward ?? DBNull.Value;
                    seq.Value = write.Sequence;
                    at.Value = write.RewardedAt is { } rewardedAt ? TimeCodec.ToUnixMs(rewardedAt) : DBNull.Value;
                    update.ExecuteNonQuery();
                });
        }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<ActivationResult>>> ActivateAsync(
        string tenant, string agent, IReadOnlyList<string> decisionIds, DateTimeOffset activatedAt, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? AgentOutcomeRules.DecisionIds(decisionIds)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<ActivationResult>>>(invalid);
        }
        return database.WriteAsync<IReadOnlyList<ActivationResult>>("activate decisions", (connection, tx) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE agent_decisions SET activated_at = $at WHERE seq = $seq AND activated_at IS NULL";
            update.Parameters.AddWithValue("$at", TimeCodec.ToUnixMs(activatedAt));
            var seq = update.Parameters.Add("$seq", SqliteType.Integer);
            return ApplyEach(connection, tx, tenant, agent, decisionIds, id => id, (id, stored) => AgentOutcomeRules.Activate(id, stored, activatedAt), write =>
            {
                seq.Value = write.Sequence;
                update.ExecuteNonQuery();
            });
        }, cancellationToken);
    }

    public ValueTask<Result<IReadOnlyList<AgentDecision>>> ExpireAsync(
        string tenant, string agent, DateTimeOffset activatedBefore, double defaultReward, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<AgentDecision>>>(invalid);
        }
        return database.WriteAsync<IReadOnlyList<AgentDecision>>("expire decisions", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"""
                UPDATE agent_decisions SET reward = $reward, reward_source = {(int)RewardSource.Default}, rewarded_at = $now
                WHERE seq IN (SELECT seq FROM agent_decisions WHERE tenant = $tenant AND agent = $agent AND reward IS NULL AND activated_at IS NOT NULL
                              AND activated_at < $before ORDER BY activated_at LIMIT $limit)
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$reward", defaultReward);
            command.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$agent", agent);
            command.Parameters.AddWithValue("$before", TimeCodec.ToUnixMs(activatedBefore));
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var list = new List<AgentDecision>();
            while (reader.Read())
            {
                list.Add(Read(reader));
            }
            list.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return list;
        }, cancellationToken);
    }

    // Snapshot ids start at 1: every decision, stamped or not, is after "snapshot 0".
    public ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadAsync(string tenant, string agent, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        ReadUnlearntAsync(tenant, agent, 0, afterSequence, limit, cancellationToken);

    public ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadUnlearntAsync(
        string tenant, string agent, long afterSnapshot, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<IReadOnlyList<AgentDecision>>>(invalid);
        }
        return database.ReadAsync<IReadOnlyList<AgentDecision>>("read unlearnt decisions", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {Columns} FROM agent_decisions WHERE tenant = $tenant AND agent = $agent AND seq > $after
                AND (learned_in IS NULL OR learned_in > $snapshot) ORDER BY seq LIMIT $limit
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$agent", agent);
            command.Parameters.AddWithValue("$after", afterSequence);
            command.Parameters.AddWithValue("$snapshot", afterSnapshot);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            var list = new List<AgentDecision>();
            while (reader.Read())
            {
                list.Add(Read(reader));
            }
            return list;
        });
    }

    public ValueTask<Result<AgentSnapshot>> GetSnapshotAsync(string tenant, string agent, long version, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return ValueTask.FromResult<Result<AgentSnapshot>>(invalid);
        }
        return database.ReadAsync<AgentSnapshot>("get agent snapshot", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT id, format, scan_from, state, created_at FROM agent_snapshots
                WHERE tenant = $tenant AND agent = $agent AND version = $version ORDER BY id DESC LIMIT 1
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$agent", agent);
            command.Parameters.AddWithValue("$version", version);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AgentSnapshot(version, reader.GetInt32(1), reader.GetInt64(2), (byte[])reader.GetValue(3))
                {
                    Id = reader.GetInt64(0),
                    CreatedAt = TimeCodec.FromUnixMs(reader.GetInt64(4)),
                }
                : Error.NotFound("snapshot");
        });
    }

    public ValueTask<Result<long>> SaveSnapshotAsync(
        string tenant, string agent, AgentSnapshot snapshot, long previous, IReadOnlyList<long> learnt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(learnt);
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return ValueTask.FromResult<Result<long>>(invalid);
        }
        return database.WriteAsync<long>("save agent snapshot", (connection, tx) =>
        {
            using var check = connection.CreateCommand();
            check.Transaction = tx;
            check.CommandText = """
                SELECT (SELECT version FROM agents WHERE tenant = $tenant AND name = $agent),
                       (SELECT coalesce(max(id), 0) FROM agent_snapshots WHERE tenant = $tenant AND agent = $agent AND version = $version)
                """;
            check.Parameters.AddWithValue("$tenant", tenant);
            check.Parameters.AddWithValue("$agent", agent);
            check.Parameters.AddWithValue("$version", snapshot.Version);
            using (var reader = check.ExecuteReader())
            {
                reader.Read();
                if (reader.IsDBNull(0) || reader.GetInt64(0) != snapshot.Version || reader.GetInt64(1) != previous)
                {
                    return new Error(ErrorCode.Conflict, "the agent was redefined or snapshotted meanwhile");
                }
            }
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO agent_snapshots (tenant, agent, version, format, scan_from, state, created_at)
                VALUES ($tenant, $agent, $version, $format, $scanFrom, $state, $now) RETURNING id
                """;
            insert.Parameters.AddWithValue("$tenant", tenant);
            insert.Parameters.AddWithValue("$agent", agent);
            insert.Parameters.AddWithValue("$version", snapshot.Version);
            insert.Parameters.AddWithValue("$format", snapshot.Format);
            insert.Parameters.AddWithValue("$scanFrom", snapshot.ScanFrom);
            insert.Parameters.AddWithValue("$state", snapshot.State);
            insert.Parameters.AddWithValue("$now", TimeCodec.ToUnixMs(DateTimeOffset.UtcNow));
            long id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
            using var stamp = connection.CreateCommand();
            stamp.Transaction = tx;
            stamp.CommandText = """
                UPDATE agent_decisions SET learned_in = $id
                WHERE seq IN (SELECT value FROM json_each($seqs)) AND tenant = $tenant AND agent = $agent AND learned_in IS NULL
                """;
            stamp.Parameters.AddWithValue("$id", id);
            stamp.Parameters.AddWithValue("$seqs", "[" + string.Join(',', learnt) + "]");
            stamp.Parameters.AddWithValue("$tenant", tenant);
            stamp.Parameters.AddWithValue("$agent", agent);
            if (stamp.ExecuteNonQuery() != learnt.Count)
            {
                return new Error(ErrorCode.Conflict, "a decision the snapshot learnt is gone or stamped already");
            }
            DeleteSnapshots(connection, tx, tenant, agent, id);
            return id;
        }, cancellationToken);
    }

    public ValueTask<Result<int>> PruneAsync(
        string tenant, string agent, DateTimeOffset decidedBefore, long coveredBy, int limit, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent) ?? InputValidator.Limit(limit)) is { } invalid)
        {
            return ValueTask.FromResult<Result<int>>(invalid);
        }
        return database.WriteAsync<int>("prune decisions", (connection, tx) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                DELETE FROM agent_decisions
                WHERE seq IN (SELECT seq FROM agent_decisions WHERE tenant = $tenant AND agent = $agent AND decided_at < $before
                              AND (learned_in <= $covered OR activated_at IS NULL) ORDER BY seq LIMIT $limit)
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$agent", agent);
            command.Parameters.AddWithValue("$before", TimeCodec.ToUnixMs(decidedBefore));
            command.Parameters.AddWithValue("$covered", coveredBy);
            command.Parameters.AddWithValue("$limit", limit);
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public ValueTask<Result<AgentLogStats>> StatsAsync(string tenant, string agent, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? AgentValidator.Name(agent)) is { } invalid)
        {
            return ValueTask.FromResult<Result<AgentLogStats>>(invalid);
        }
        return database.ReadAsync<AgentLogStats>("agent stats", connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT count(*), coalesce(sum(reward_source = {(int)RewardSource.Outcome} AND activated_at IS NOT NULL), 0),
                       coalesce(sum(reward_source = {(int)RewardSource.Default}), 0), coalesce(sum(CASE WHEN activated_at IS NOT NULL THEN reward END), 0),
                       count(*) - count(activated_at)
                FROM agent_decisions WHERE tenant = $tenant AND agent = $agent;
                SELECT decided_at / 3600000 AS hour, count(*), count(CASE WHEN activated_at IS NOT NULL THEN reward END),
                       coalesce(sum(CASE WHEN activated_at IS NOT NULL THEN reward END), 0)
                FROM agent_decisions WHERE tenant = $tenant AND agent = $agent GROUP BY hour ORDER BY hour DESC LIMIT 48;
                """;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$agent", agent);
            using var reader = command.ExecuteReader();
            reader.Read();
            (long decisions, long outcomes, long defaulted, double sum, long inactive) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4));
            reader.NextResult();
            var hours = new List<AgentHour>();
            while (reader.Read())
            {
                hours.Add(new AgentHour(TimeCodec.FromUnixMs(reader.GetInt64(0) * 3_600_000), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3)));
            }
            hours.Reverse();
            return new AgentLogStats(decisions, outcomes, defaulted, sum, hours, inactive);
        });
    }

    /// <summary>
    /// A batch naming decisions (outcomes, activations) inside the writer's transaction: each item's decision read as it
    /// stands (so a later item of the same decision sees the earlier one's write), its answer and write from
    /// <paramref name="rule"/>, the write done by <paramref name="write"/>.
    /// </summary>
    private static List<TResult> ApplyEach<TItem, TResult>(
        SqliteConnection connection, SqliteTransaction tx, string tenant, string agent, IReadOnlyList<TItem> items, Func<TItem, string> id,
        Func<TItem, AgentDecision?, (TResult Result, AgentDecision? Write)> rule, Action<AgentDecision> write)
    {
        using var find = connection.CreateCommand();
        find.Transaction = tx;
        find.CommandText = $"SELECT {Columns} FROM agent_decisions WHERE decision_id = $id AND tenant = $tenant AND agent = $agent";
        var findId = find.Parameters.Add("$id", SqliteType.Text);
        find.Parameters.AddWithValue("$tenant", tenant);
        find.Parameters.AddWithValue("$agent", agent);
        var results = new List<TResult>(items.Count);
        foreach (TItem item in items)
        {
            findId.Value = id(item);
            AgentDecision? stored;
            using (var reader = find.ExecuteReader())
            {
                stored = reader.Read() ? Read(reader) : null;
            }
            (TResult result, AgentDecision? written) = rule(item, stored);
            if (written is not null)
            {
                write(written);
            }
            results.Add(result);
        }
        return results;
    }

    private static void DeleteDecisions(SqliteConnection connection, SqliteTransaction tx, string tenant, string agent)
    {
        using var command = SqliteQueries.Command(connection, tx, "DELETE FROM agent_decisions WHERE tenant = $tenant AND agent = $agent");
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$agent", agent);
        command.ExecuteNonQuery();
    }

    /// <summary>Drops the agent's snapshots older than <paramref name="before"/> (<see cref="long.MaxValue"/>: every one).</summary>
    private static void DeleteSnapshots(SqliteConnection connection, SqliteTransaction tx, string tenant, string agent, long before)
    {
        using var command = SqliteQueries.Command(connection, tx, "DELETE FROM agent_snapshots WHERE tenant = $tenant AND agent = $agent AND id < $before");
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$agent", agent);
        command.Parameters.AddWithValue("$before", before);
        command.ExecuteNonQuery();
    }

    private static AgentDecision Read(SqliteDataReader reader) =>
        AgentDecisionCodec.Read(reader, static (row, column) => TimeCodec.FromUnixMs(row.GetInt64(column)));
}
