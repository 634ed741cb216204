using System.Collections.Concurrent;

namespace MaaS.Storage.Postgres;

/// <summary>
/// Appends decisions in batches: the caller that finds no batch in flight writes every decision waiting (its own and
/// those queued meanwhile) as one multi-row <c>INSERT ... SELECT FROM unnest(...)</c>, one round trip and one commit,
/// then does the same for whatever queued during that write; the others wait for their batch. So the batch grows with
/// the load, and a quiet caller writes alone at once. A decision id already logged (or twice in one batch) fails only
/// its own append: the insert skips it (<c>ON CONFLICT DO NOTHING</c>) and its id is missing from what comes back.
/// Sequences follow the queue's order. A batch retried by the execution strategy may find rows its earlier attempt
/// committed (the commit reached the server, its answer never came back): a retry therefore reads back the rows of its
/// ids that hold exactly its content, and those are its own, not conflicts. Thread-safe.
/// </summary>
internal sealed class PostgresDecisionAppender(PostgresDatabase database)
{
    /// <summary>Most decisions in one statement; bounds one batch's parameters (~50 KB of JSON per 100 decisions).</summary>
    private const int MaxBatch = 1_000;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly string _sql = $"""
        INSERT INTO {database.Schema}.agent_decisions (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, activated_at)
        SELECT d.decision_id, d.tenant, d.agent, d.context, d.actions, d.chosen, d.probability, d.decided_at,
               CASE WHEN d.inactive THEN NULL ELSE d.decided_at END
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::timestamptz[], $9::bool[])
             WITH ORDINALITY AS d (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, inactive, n)
        ORDER BY d.n
        ON CONFLICT (decision_id) DO NOTHING
        RETURNING decision_id, seq
        """;

    // The same unnest as the insert, joined to the rows already logged: every column must match, so another caller's
    // decision under the same id (a real duplicate) is never taken for this batch's own.
    private readonly string _ownRowsSql = $"""
        SELECT a.decision_id, a.seq
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::timestamptz[], $9::bool[])
             AS d (decision_id, tenant, agent, context, actions, chosen, probability, decided_at, inactive)
        JOIN {database.Schema}.agent_decisions a ON a.decision_id = d.decision_id
        WHERE a.tenant = d.tenant AND a.agent = d.agent AND a.context = d.context AND a.actions = d.actions
          AND a.chosen = d.chosen AND a.probability = d.probability AND a.decided_at = d.decided_at AND (a.activated_at IS NULL) = d.inactive
        """;
    private int _writing;

    public async ValueTask<Result<AgentDecision>> AppendAsync(AgentDecision decision, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(decision);
        _queue.Enqueue(pending);
        // Whoever takes the flag writes until the queue is empty; re-checking after letting go closes the race with
        // a caller that enqueued just before the flag dropped.
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            try
            {
                while (!_queue.IsEmpty)
                {
                    await WriteBatchAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteBatchAsync()
    {
        var batch = new List<Pending>(Math.Min(MaxBatch, _queue.Count));
        while (batch.Count < MaxBatch && _queue.TryDequeue(out Pending? next))
        {
            batch.Add(next);
        }
        // The batch is shared: no one caller's cancellation may abandon the others' write.
        int attempts = 0;
        Result<Dictionary<string, long>> written = await database.RunAsync("append decisions", async (connection, ct) =>
        {
            var sequences = new Dictionary<string, long>(batch.Count, StringComparer.Ordinal);
            await using (var insert = Command(_sql, connection, batch))
            await using (var reader = await insert.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    sequences[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
            if (++attempts > 1 && sequences.Count < batch.Count)
            {
                // A retry: ids the insert skipped may hold this batch's own rows, committed by an earlier attempt.
                await using var own = Command(_ownRowsSql, connection, batch);
                await using var reader = await own.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    sequences.TryAdd(reader.GetString(0), reader.GetInt64(1));
                }
            }
            return sequences;
        }, CancellationToken.None).ConfigureAwait(false);
        if (!written.TryGetValue(out Dictionary<string, long>? stored, out Error? error))
        {
            foreach (Pending p in batch)
            {
                p.Completion.TrySetResult(error);
            }
            return;
        }
        foreach (Pending p in batch)
        {
            // Remove: of one id twice in a batch, the first holds the row and the second is the duplicate.
            p.Completion.TrySetResult(stored.Remove(p.Decision.DecisionId, out long seq)
                ? p.Decision with { Sequence = seq }
                : new Error(ErrorCode.Conflict, "a decision with this id is already logged"));
        }
    }

    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, List<Pending> batch)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.DecisionId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.Tenant)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.Agent)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.Context)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.Actions)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.Decision.ChosenAction)] });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. batch.Select(p => p.Decision.Probability)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. batch.Select(p => TimeCodec.ToUtcDateTime(p.Decision.DecidedAt))] });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. batch.Select(p => p.Decision.Inactive)] });
        return command;
    }

    private sealed class Pending(AgentDecision decision)
    {
        public AgentDecision Decision { get; } = decision;

        public TaskCompletionSource<Result<AgentDecision>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
