namespace MaaS.Services.Agents;

/// <summary>
/// Policy snapshots (checkpoints) of the agents, and the replay that builds a policy from the newest one. A snapshot is
/// never copied from a live policy: each one folds into its predecessor's state exactly the rewarded active decisions
/// that no snapshot has learnt yet, and stamps them with its id in the same transaction. So a snapshot holds exactly the
/// decisions stamped at or below its id, whatever order outcomes, defaults and activations came in and on whichever
/// replica; a load restores it and replays the others (unstamped, or stamped by a newer snapshot). Nothing is learnt
/// twice and nothing is missed. Runs off the request path; thread-safe (the store serialises two snapshots of one agent).
/// </summary>
internal sealed class AgentSnapshots(IStorage storage, TimeProvider time, ILogger<AgentSnapshots> logger)
{
    /// <summary>
    /// How long a decision may take from its time to being readable in the log (PostgreSQL can commit a sequence number
    /// after a later one): a snapshot's scan start never passes a decision younger than this.
    /// </summary>
    public static readonly TimeSpan CommitLag = TimeSpan.FromMinutes(1);

    /// <summary>The most decisions one snapshot stamps: a bigger backlog takes several, each a short write.</summary>
    public const int MaxStampedPerSnapshot = 20_000;

    private const int Page = 5_000;

    /// <summary>
    /// A runtime for <paramref name="record"/>: the newest snapshot of its version restored (one unreadable is logged and
    /// ignored), then every rewarded active decision it has not learnt replayed in log order.
    /// </summary>
    public async ValueTask<Result<AgentRuntime>> LoadAsync(AgentRecord record, CompiledAgent agent, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        Result<Start> start = await StartAsync(record, agent, cancellationToken).ConfigureAwait(false);
        if (!start.TryGetValue(out Start? from, out Error? error))
        {
            return error;
        }
        Result<Fold> replayed = await FoldAsync(from.Runtime, from.Restored, int.MaxValue, cancellationToken).ConfigureAwait(false);
        if (!replayed.TryGetValue(out Fold? fold, out error))
        {
            return error;
        }
        AgentLog.Loaded(logger, record.Tenant, record.Name, record.Version, from.Restored?.Id ?? 0, fold.Replayed, from.Runtime.PolicyVersion,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
        return from.Runtime;
    }

    /// <summary>
    /// Takes one snapshot of the agent <paramref name="loaded"/> runs (its definition; not its live policy): the newest
    /// snapshot plus what no snapshot has learnt yet (at most <see cref="MaxStampedPerSnapshot"/> decisions). Returns how
    /// many decisions it learnt, and whether more wait; nothing is stored when there was nothing new.
    /// </summary>
    public async ValueTask<Result<(int Learnt, bool More)>> TakeAsync(AgentRuntime loaded, CancellationToken cancellationToken)
    {
        var record = new AgentRecord(loaded.Tenant, loaded.Name, "", loaded.Version, loaded.UpdatedAt);
        Result<Start> start = await StartAsync(record, loaded.Agent, cancellationToken).ConfigureAwait(false);
        if (!start.TryGetValue(out Start? from, out Error? error))
        {
            return error;
        }
        (AgentRuntime scratch, AgentSnapshot? previous) = (from.Runtime, from.Restored);
        Result<Fold> folded = await FoldAsync(scratch, previous, MaxStampedPerSnapshot, cancellationToken).ConfigureAwait(false);
        if (!folded.TryGetValue(out Fold? fold, out error))
        {
            return error;
        }
        // An unreadable newest snapshot is replaced even when nothing is new.
        if (fold.Learnt.Count == 0 && previous is not null && fold.ScanFrom == previous.ScanFrom)
        {
            return (0, false);
        }
        var snapshot = new AgentSnapshot(record.Version, AgentRuntime.StateFormat, fold.ScanFrom, scratch.WriteState());
        Result<long> saved = await storage.Agents.SaveSnapshotAsync(record.Tenant, record.Name, snapshot, from.NewestId, fold.Learnt, cancellationToken).ConfigureAwait(false);
        if (!saved.TryGetValue(out long id, out error))
        {
            return error;
        }
        AgentLog.Snapshotted(logger, record.Tenant, record.Name, record.Version, id, fold.Learnt.Count, snapshot.State.Length);
        return (fold.Learnt.Count, fold.More);
    }

    /// <summary>The id of the newest snapshot of the runtime's version, readable or not; 0 when there is none (or the store did not answer).</summary>
    public async ValueTask<long> NewestIdAsync(AgentRuntime runtime, CancellationToken cancellationToken)
    {
        Result<AgentSnapshot> newest = await storage.Agents.GetSnapshotAsync(runtime.Tenant, runtime.Name, runtime.Version, cancellationToken).ConfigureAwait(false);
        return newest.IsSuccess ? newest.Value.Id : 0;
    }

    /// <summary>A fresh runtime with the newest snapshot of the version restored when it is readable, and that snapshot's id (0: none).</summary>
    private async ValueTask<Result<Start>> StartAsync(AgentRecord record, CompiledAgent agent, CancellationToken cancellationToken)
    {
        var runtime = new AgentRuntime(record, agent);
        Result<AgentSnapshot> stored = await storage.Agents.GetSnapshotAsync(record.Tenant, record.Name, record.Version, cancellationToken).ConfigureAwait(false);
        if (!stored.TryGetValue(out AgentSnapshot? snapshot, out Error? error))
        {
            return error.Code == ErrorCode.NotFound ? new Start(runtime, null, 0) : error;
        }
        if (snapshot.Format == AgentRuntime.StateFormat && runtime.ReadState(snapshot.State))
        {
            return new Start(runtime, snapshot, snapshot.Id);
        }
        AgentLog.SnapshotUnreadable(logger, record.Tenant, record.Name, snapshot.Id, snapshot.Format, AgentRuntime.StateFormat);
        return new Start(new AgentRuntime(record, agent), null, snapshot.Id);
    }

    /// <summary>
    /// Learns every rewarded active decision after <paramref name="snapshot"/> (all when null) in log order, stopping
    /// after the page where <paramref name="maxLearnt"/> unstamped ones were learnt; says which those were and where the
    /// next scan may start.
    /// </summary>
    private async ValueTask<Result<Fold>> FoldAsync(AgentRuntime runtime, AgentSnapshot? snapshot, int maxLearnt, CancellationToken cancellationToken)
    {
        long afterSnapshot = snapshot?.Id ?? 0;
        long after = snapshot is null ? 0 : snapshot.ScanFrom - 1;
        long pinned = long.MaxValue, settled = after;
        DateTimeOffset old = time.GetUtcNow() - CommitLag;
        var learnt = new List<long>();
        long replayed = 0;
        bool more = false;
        while (true)
        {
            Result<IReadOnlyList<AgentDecision>> page = await storage.Agents.ReadUnlearntAsync(
                runtime.Tenant, runtime.Name, afterSnapshot, after, Page, cancellationToken).ConfigureAwait(false);
            if (!page.TryGetValue(out IReadOnlyList<AgentDecision>? decisions, out Error? error))
            {
                return error;
            }
            foreach (AgentDecision decision in decisions)
            {
                // Only active decisions teach: one awaiting activation is learnt (with any outcome kept for it) once activated.
                if (decision is { Reward: { } reward, Inactive: false })
                {
                    runtime.Learn(decision, reward);
                    replayed++;
                    if (decision.LearnedIn is null)
                    {
                        learnt.Add(decision.Sequence);
                    }
                }
                else
                {
                    pinned = Math.Min(pinned, decision.Sequence);
                }
                if (decision.DecidedAt < old)
                {
                    settled = decision.Sequence;
                }
            }
            if (decisions.Count < Page)
            {
                break;
            }
            after = decisions[^1].Sequence;
            if (learnt.Count >= maxLearnt)
            {
                more = true;
                break;
            }
        }
        // The next scan starts at the first decision that may still teach (unrewarded or awaiting activation), or past the
        // last one old enough that none before it can still appear.
        return new Fold(learnt, Math.Min(pinned, settled + 1), more, replayed);
    }

    private sealed record Start(AgentRuntime Runtime, AgentSnapshot? Restored, long NewestId);

    private sealed record Fold(List<long> Learnt, long ScanFrom, bool More, long Replayed);
}
