using MaaS.Agents.Evaluation;
using MaaS.Agents.Policies.Onnx;

namespace MaaS.Services.Agents;

/// <summary>
/// One loaded agent: its compiled definition and its policy, which learns every reward as it is recorded. The policy is
/// not thread-safe, so decide and learn take turns on one lock (each is microseconds for the sizes allowed). An
/// apprentice agent's policy learns inside its apprentice, which decides until the switch.
/// </summary>
internal sealed class AgentRuntime
{
    private readonly BanditPolicy _policy;
    private readonly ApprenticePolicy? _apprentice;
    private readonly ScoredPolicy? _scored;
    private readonly Lock _gate = new();
    private readonly RecentDecisions _recent = new(AgentLimits.RecentDecisions);

    private long _nextCheck;

    public AgentRuntime(AgentRecord record, CompiledAgent agent)
    {
        Tenant = record.Tenant;
        Name = record.Name;
        Version = record.Version;
        UpdatedAt = record.UpdatedAt;
        Agent = agent;
        Codec = new DecisionCodec(agent.Schema);
        // An onnx agent's scores come from its model; the bandit then only counts the rewards (its policy version), and
        // a disjoint model allocates nothing for it.
        var learned = agent.Policy.Kind == PolicyKind.Onnx ? agent.Policy with { Kind = PolicyKind.Random, Model = LinearModelKind.Disjoint } : agent.Policy;
        _scored = agent.Policy.Kind == PolicyKind.Onnx ? new ScoredPolicy(agent.Policy.Epsilon, agent.Policy.Seed) : null;
        _apprentice = agent.Apprentice is { } apprentice ? new ApprenticePolicy(agent.Schema, learned, apprentice) : null;
        _policy = _apprentice?.Learner ?? new BanditPolicy(agent.Schema, learned);
    }

    public string Tenant { get; }

    public string Name { get; }

    public long Version { get; }

    /// <summary>When the stored definition this runtime was built from last changed: with <see cref="Version"/>, which definition it is.</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>Whether this runtime was built from <paramref name="record"/> (a name deleted and created again starts at version 1 anew).</summary>
    public bool IsBuiltFrom(AgentRecord record) => record.Version == Version && record.UpdatedAt == UpdatedAt;

    /// <summary>
    /// True for one caller once <paramref name="every"/> has passed since the previous check (the first check is due
    /// <paramref name="every"/> after the first call): that caller compares the store's definition with this runtime's.
    /// Lock-free; the others go on with this runtime meanwhile.
    /// </summary>
    public bool ClaimCheck(TimeProvider time, TimeSpan every)
    {
        long now = time.GetTimestamp();
        long next = Volatile.Read(ref _nextCheck);
        long later = now + (long)(every.TotalSeconds * time.TimestampFrequency);
        if (next == 0)
        {
            Interlocked.CompareExchange(ref _nextCheck, later, 0);
            return false;
        }
        return now >= next && Interlocked.CompareExchange(ref _nextCheck, later, next) == next;
    }

    public CompiledAgent Agent { get; }

    /// <summary>Writes and reads the log's JSON in this definition's schema.</summary>
    public DecisionCodec Codec { get; }

    /// <summary>An apprentice agent's mode and estimates; null for others.</summary>
    public ApprenticeEstimate? Apprentice
    {
        get
        {
            lock (_gate)
            {
                return _apprentice?.Estimate;
            }
        }
    }

    /// <summary>Rewards learnt since the policy was built.</summary>
    public long PolicyVersion
    {
        get
        {
            lock (_gate)
            {
                return _policy.Updates;
            }
        }
    }

    /// <param name="input">The decision.</param>
    /// <param name="eligible">What the rules and exclusions left.</param>
    /// <param name="baseline">An apprentice's baseline action index; −1 for none.</param>
    public (PolicyDecision Decision, long PolicyVersion) Decide(DecisionInput input, bool[] eligible, int baseline = -1)
    {
        lock (_gate)
        {
            return (_apprentice?.Decide(input, eligible, baseline) ?? _policy.Decide(input, eligible), _policy.Updates);
        }
    }

    /// <summary>Decides by scores computed outside (the policy model's), for an agent of policy kind onnx.</summary>
    public (PolicyDecision Decision, long PolicyVersion) Decide(bool[] eligible, double[] scores)
    {
        lock (_gate)
        {
            return (_scored!.Decide(scores, eligible), _policy.Updates);
        }
    }

    /// <summary>Keeps a decision just logged, so that its outcome is learnt without reading the log's JSON back.</summary>
    public void Remember(string decisionId, DecisionInput input, int chosen, bool[] eligible, int baseline) =>
        _recent.Add(decisionId, new RecentDecision(input, chosen, eligible, baseline));

    /// <summary>Learns a logged decision's reward; a decision whose chosen action this definition no longer has is skipped.</summary>
    public bool Learn(AgentDecision decision, double reward)
    {
        LoggedDecision? logged;
        int baseline;
        // A recent decision of this runtime is learnt from what decide had in hand; older ones (or another definition's) from the log.
        if (_recent.Take(decision.DecisionId) is { } recent && recent.Input.Actions[recent.Chosen].Id == decision.ChosenAction)
        {
            logged = new LoggedDecision(recent.Input, recent.Chosen, decision.Probability, reward, recent.Eligible);
            baseline = recent.Baseline;
        }
        else if ((logged = Read(decision, out baseline)) is null)
        {
            return false;
        }
        lock (_gate)
        {
            if (_apprentice is not null)
            {
                _apprentice.Learn(logged.Input, logged.Chosen, reward, logged.Probability, baseline, logged.Eligible);
            }
            else
            {
                _policy.Learn(logged.Input, logged.Chosen, reward);
            }
        }
        return true;
    }

    /// <summary>
    /// What the policy learnt (and an apprentice measured), as bytes that <see cref="ReadState"/> reads back under the same
    /// definition. A consistent copy: taken under the policy's lock, which it holds only while it copies.
    /// </summary>
    public byte[] WriteState()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(StateFormat);
            writer.Write(_apprentice is not null);
            lock (_gate)
            {
                if (_apprentice is not null)
                {
                    _apprentice.WriteState(writer);
                }
                else
                {
                    _policy.WriteState(writer);
                }
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Replaces this fresh runtime's policy state with <paramref name="state"/>; false when it is of another format, does
    /// not fit this definition or is cut short (the runtime is then unusable: build another).
    /// </summary>
    public bool ReadState(ReadOnlySpan<byte> state)
    {
        try
        {
            using var buffer = new MemoryStream(state.ToArray(), writable: false);
            using var reader = new BinaryReader(buffer);
            if (reader.ReadInt32() != StateFormat || reader.ReadBoolean() != _apprentice is not null)
            {
                return false;
            }
            bool read;
            lock (_gate)
            {
                read = _apprentice?.ReadState(reader) ?? _policy.ReadState(reader);
            }
            return read && buffer.Position == buffer.Length;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The format of <see cref="WriteState"/>'s bytes; a snapshot of another format is ignored (the log is replayed whole).</summary>
    public const int StateFormat = 1;

    /// <summary>A stored decision in this definition's schema (features by name; missing ones 0), or null when unreadable.</summary>
    public LoggedDecision? Read(AgentDecision decision) => Read(decision, out _);

    private LoggedDecision? Read(AgentDecision decision, out int baseline)
    {
        baseline = -1;
        if (Codec.Read(decision.Context, decision.Actions) is not { } read)
        {
            return null;
        }
        baseline = read.Baseline;
        int chosen = read.Input.IndexOf(decision.ChosenAction);
        return chosen < 0
            ? null
            : new LoggedDecision(read.Input, chosen, decision.Probability, decision.Reward ?? Agent.DefaultReward, read.Eligible);
    }
}
