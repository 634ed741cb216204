namespace MaaS.Storage.Abstractions;

/// <summary>An agent's stored definition: the service's JSON, which the store keeps whole and does not read.</summary>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Name">Agent name, unique in the tenant.</param>
/// <param name="Definition">The definition as JSON text.</param>
/// <param name="Version">1 on creation, +1 on every change.</param>
/// <param name="UpdatedAt">Time of the last change.</param>
public sealed record AgentRecord(string Tenant, string Name, string Definition, long Version, DateTimeOffset UpdatedAt);

/// <summary>Where a decision's reward came from.</summary>
public enum RewardSource
{
    /// <summary>No reward yet.</summary>
    None,

    /// <summary>An outcome reported within the reward window.</summary>
    Outcome,

    /// <summary>The agent's default reward, given when the window closed without an outcome.</summary>
    Default,
}

/// <summary>One logged decision.</summary>
/// <param name="DecisionId">Unique id handed to the caller (32 hex digits).</param>
/// <param name="Tenant">Owning tenant.</param>
/// <param name="Agent">Agent name.</param>
/// <param name="Context">The context features, JSON text (the service's format).</param>
/// <param name="Actions">The candidate actions with their features and eligibility, JSON text.</param>
/// <param name="ChosenAction">The chosen action's id.</param>
/// <param name="Probability">The policy's probability of that action, in (0, 1].</param>
/// <param name="DecidedAt">When it was made.</param>
public sealed record AgentDecision(
    string DecisionId, string Tenant, string Agent, string Context, string Actions, string ChosenAction, double Probability, DateTimeOffset DecidedAt)
{
    /// <summary>Position in the log (ascending in decision order); 0 before it is stored.</summary>
    public long Sequence { get; init; }

    /// <summary>The reward, or null while none has come.</summary>
    public double? Reward { get; init; }

    /// <summary>Where <see cref="Reward"/> came from.</summary>
    public RewardSource Source { get; init; }

    /// <summary>When the reward was recorded.</summary>
    public DateTimeOffset? RewardedAt { get; init; }

    /// <summary>An outcome that came after the window closed: kept for audit, not learnt.</summary>
    public double? LateReward { get; init; }

    /// <summary>
    /// A deferred decision not activated yet: logged, but neither learnt, evaluated nor defaulted. An outcome reported
    /// meanwhile is kept as its <see cref="Reward"/> and learnt when it is activated. False for every ordinary decision.
    /// </summary>
    public bool Inactive { get; init; }

    /// <summary>
    /// The policy snapshot whose fold learnt this decision's reward (its <see cref="AgentSnapshot.Id"/>); null until a
    /// snapshot has covered it. Snapshot ids only grow, so a decision stamped at or below a snapshot's id is in that
    /// snapshot or an older one that it folded.
    /// </summary>
    public long? LearnedIn { get; init; }

    /// <summary>
    /// When the reward window opened: <see cref="DecidedAt"/> for an ordinary decision (the default when not set), the
    /// activation's time for a deferred one; null while <see cref="Inactive"/>.
    /// </summary>
    public DateTimeOffset? ActivatedAt
    {
        get => Inactive ? null : _activatedAt ?? DecidedAt;
        init => _activatedAt = value;
    }

    private readonly DateTimeOffset? _activatedAt;
}

/// <summary>One reported reward.</summary>
/// <summary>
/// A durable copy of what an agent's policy learnt: the state of a policy that learnt exactly the rewarded active
/// decisions stamped with this snapshot's <see cref="Id"/> or a smaller one (<see cref="AgentDecision.LearnedIn"/>),
/// under definition <see cref="Version"/>. The service owns <see cref="State"/>'s bytes and their <see cref="Format"/>.
/// </summary>
/// <param name="Version">The agent definition's version the policy was built under.</param>
/// <param name="Format">The state's format number (an unknown one is ignored by its reader).</param>
/// <param name="ScanFrom">The lowest log position (<see cref="AgentDecision.Sequence"/>) that may still hold a decision this snapshot has not learnt.</param>
/// <param name="State">The policy's state.</param>
public sealed record AgentSnapshot(long Version, int Format, long ScanFrom, byte[] State)
{
    /// <summary>Its id, growing with every snapshot of any agent; 0 before it is stored.</summary>
    public long Id { get; init; }

    /// <summary>When it was stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record AgentOutcome(string DecisionId, double Reward);

/// <summary>What became of one reported outcome.</summary>
public enum OutcomeState
{
    /// <summary>Recorded as the decision's reward.</summary>
    Applied,

    /// <summary>The decision already had an outcome: the first one stands, this one changed nothing.</summary>
    Duplicate,

    /// <summary>The reward window had closed: the default reward stands (given now if the sweep had not yet), and this reward is kept as the late reward.</summary>
    Late,

    /// <summary>No such decision for this agent of this tenant.</summary>
    Unknown,

    /// <summary>The decision awaits activation: the reward is kept, and learnt when the decision is activated (the first one stands).</summary>
    Pending,
}

/// <summary>What became of one activation.</summary>
public enum ActivationState
{
    /// <summary>The deferred decision is active from now: its reward window opens.</summary>
    Activated,

    /// <summary>It was active already (an ordinary decision, or one activated before): nothing changed.</summary>
    AlreadyActive,

    /// <summary>No such decision for this agent of this tenant.</summary>
    Unknown,
}

/// <summary>The answer for one activation.</summary>
/// <param name="DecisionId">The decision id.</param>
/// <param name="State">What happened.</param>
/// <param name="Decision">The decision after the write (null when unknown).</param>
/// <param name="Learn">The reward the policy should now learn: an outcome reported before this activation; else null.</param>
public sealed record ActivationResult(string DecisionId, ActivationState State, AgentDecision? Decision, double? Learn);

/// <summary>The answer for one outcome.</summary>
/// <param name="DecisionId">The outcome's decision id.</param>
/// <param name="State">What happened.</param>
/// <param name="Decision">The decision after the write (null when unknown).</param>
/// <param name="Learn">The reward the policy should now learn: the outcome when applied, the default when this write gave it; else null.</param>
public sealed record OutcomeResult(string DecisionId, OutcomeState State, AgentDecision? Decision, double? Learn);

/// <summary>Decisions and rewards of one hour.</summary>
public sealed record AgentHour(DateTimeOffset Hour, long Decisions, long Rewarded, double RewardSum);

/// <summary>An agent's log in numbers.</summary>
/// <param name="Decisions">Decisions logged.</param>
/// <param name="Outcomes">Active decisions rewarded by an outcome.</param>
/// <param name="Defaulted">Decisions given the default reward.</param>
/// <param name="RewardSum">Sum of every active decision's reward.</param>
/// <param name="Hours">The latest hours with decisions, oldest first (at most 48).</param>
/// <param name="Inactive">Deferred decisions awaiting activation (counted in <paramref name="Decisions"/>; their pending outcomes in none of the reward figures).</param>
public sealed record AgentLogStats(long Decisions, long Outcomes, long Defaulted, double RewardSum, IReadOnlyList<AgentHour> Hours, long Inactive = 0);

/// <summary>
/// Agent definitions and their decision logs, per tenant. Thread-safe; shared as a singleton. Every write is durable
/// when its task completes.
/// </summary>
public interface IAgentStore
{
    /// <summary>
    /// Creates or replaces the tenant's agent; the version starts at 1 and grows by one per change. A creation (version
    /// 1) also drops, in the same transaction, any decision still logged under the name (one a deleted agent's last
    /// decide wrote after its deletion), so a name created again starts with an empty log.
    /// </summary>
    ValueTask<Result<AgentRecord>> PutAsync(string tenant, string name, string definition, CancellationToken cancellationToken = default);

    /// <summary>The tenant's agent, or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<AgentRecord>> GetAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the tenant's agents by name (ordinal): at most <paramref name="limit"/> whose name is greater than
    /// <paramref name="afterName"/> (null for the first page). Pass the last name of a page to get the next.
    /// </summary>
    ValueTask<Result<IReadOnlyList<AgentRecord>>> ListAsync(string tenant, string? afterName, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the tenant's agent and its whole decision log in one transaction; returns whether the agent existed
    /// (deleting an unknown name changes nothing).
    /// </summary>
    ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Appends one decision; concurrent appends share commits. Returns it with its <see cref="AgentDecision.Sequence"/>.</summary>
    ValueTask<Result<AgentDecision>> AppendAsync(AgentDecision decision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a batch of outcomes in one transaction. A decision activated before <paramref name="lateBefore"/> is past
    /// its window: its outcome is <see cref="OutcomeState.Late"/> and it gets <paramref name="defaultReward"/> if it has
    /// none. A decision awaiting activation keeps the outcome as <see cref="OutcomeState.Pending"/>.
    /// </summary>
    ValueTask<Result<IReadOnlyList<OutcomeResult>>> RecordOutcomesAsync(
        string tenant, string agent, IReadOnlyList<AgentOutcome> outcomes, DateTimeOffset lateBefore, double defaultReward, CancellationToken cancellationToken = default);

    /// <summary>
    /// Activates a batch of deferred decisions in one transaction: each one inactive becomes active at
    /// <paramref name="activatedAt"/> (its reward window opens then); one active already is left as it is.
    /// </summary>
    ValueTask<Result<IReadOnlyList<ActivationResult>>> ActivateAsync(
        string tenant, string agent, IReadOnlyList<string> decisionIds, DateTimeOffset activatedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives <paramref name="defaultReward"/> to at most <paramref name="limit"/> unrewarded active decisions whose
    /// window opened (<see cref="AgentDecision.ActivatedAt"/>) before <paramref name="activatedBefore"/>; returns them.
    /// A decision awaiting activation is never defaulted.
    /// </summary>
    ValueTask<Result<IReadOnlyList<AgentDecision>>> ExpireAsync(
        string tenant, string agent, DateTimeOffset activatedBefore, double defaultReward, int limit, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> decisions after <paramref name="afterSequence"/>, in log order.</summary>
    ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadAsync(
        string tenant, string agent, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// At most <paramref name="limit"/> decisions after <paramref name="afterSequence"/>, in log order, that the snapshot
    /// <paramref name="afterSnapshot"/> has not learnt: never stamped, or stamped by a later snapshot (0: every decision).
    /// </summary>
    ValueTask<Result<IReadOnlyList<AgentDecision>>> ReadUnlearntAsync(
        string tenant, string agent, long afterSnapshot, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>The agent's newest snapshot taken under definition <paramref name="version"/>, or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<AgentSnapshot>> GetSnapshotAsync(string tenant, string agent, long version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="snapshot"/> in one transaction: the decisions at <paramref name="learnt"/> (unstamped) are
    /// stamped with its new id, and the agent's older snapshots are dropped. A <see cref="ErrorCode.Conflict"/> changes
    /// nothing when the agent's version is no longer <see cref="AgentSnapshot.Version"/>, when the newest snapshot of that
    /// version is not <paramref name="previous"/> (0: none), or when a decision at <paramref name="learnt"/> is gone or
    /// stamped already. Returns the new id.
    /// </summary>
    ValueTask<Result<long>> SaveSnapshotAsync(
        string tenant, string agent, AgentSnapshot snapshot, long previous, IReadOnlyList<long> learnt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> decisions made before <paramref name="decidedBefore"/> that are either
    /// stamped at or below snapshot <paramref name="coveredBy"/> (0: none is) or still awaiting activation; returns how many.
    /// </summary>
    ValueTask<Result<int>> PruneAsync(
        string tenant, string agent, DateTimeOffset decidedBefore, long coveredBy, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts and the latest hours of the agent's log.</summary>
    ValueTask<Result<AgentLogStats>> StatsAsync(string tenant, string agent, CancellationToken cancellationToken = default);
}
