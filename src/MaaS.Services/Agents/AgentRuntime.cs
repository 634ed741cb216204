using System.Text.Json;
using MaaS.Agents.Evaluation;
using MaaS.Agents.Features;
using MaaS.Agents.Policies;
using MaaS.Agents.Policies.Onnx;

namespace MaaS.Services.Agents;

/// <summary>
/// One loaded agent: its compiled definition and its policy, which learns every reward as it is recorded. The policy is
/// not thread-safe, so decide and learn take turns on one lock (each is microseconds for the sizes allowed).
/// </summary>
internal sealed class AgentRuntime(string tenant, string name, long version, CompiledAgent agent)
{
    // An onnx agent's scores come from its model; the bandit then only counts the rewards (its policy version), and
    // a disjoint model allocates nothing for it.
    private readonly BanditPolicy _policy = new(agent.Schema, agent.Policy.Kind == PolicyKind.Onnx ? agent.Policy with { Kind = PolicyKind.Random, Model = LinearModelKind.Disjoint } : agent.Policy);
    private readonly ScoredPolicy? _scored = agent.Policy.Kind == PolicyKind.Onnx ? new(agent.Policy.Epsilon, agent.Policy.Seed) : null;
    private readonly Lock _gate = new();

    public string Tenant { get; } = tenant;

    public string Name { get; } = name;

    public long Version { get; } = version;

    public CompiledAgent Agent { get; } = agent;

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

    public (PolicyDecision Decision, long PolicyVersion) Decide(DecisionInput input, bool[] eligible)
    {
        lock (_gate)
        {
            return (_policy.Decide(input, eligible), _policy.Updates);
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

    /// <summary>Learns a logged decision's reward; a decision whose chosen action this definition no longer has is skipped.</summary>
    public bool Learn(AgentDecision decision, double reward)
    {
        if (Read(decision) is not { } logged)
        {
            return false;
        }
        lock (_gate)
        {
            _policy.Learn(logged.Input, logged.Chosen, reward);
        }
        return true;
    }

    /// <summary>A stored decision in this definition's schema (features by name; missing ones 0), or null when unreadable.</summary>
    public LoggedDecision? Read(AgentDecision decision)
    {
        Dictionary<string, double>? context;
        List<StoredAction>? actions;
        try
        {
            context = JsonSerializer.Deserialize(decision.Context, AgentJsonContext.Default.DictionaryStringDouble);
            actions = JsonSerializer.Deserialize(decision.Actions, AgentJsonContext.Default.ListStoredAction);
        }
        catch (JsonException)
        {
            return null;
        }
        if (context is null || actions is null || actions.Count == 0)
        {
            return null;
        }
        var inputs = new ActionInput[actions.Count];
        var eligible = new bool[actions.Count];
        int chosen = -1;
        for (int i = 0; i < actions.Count; i++)
        {
            inputs[i] = new ActionInput(actions[i].Id, Vector(actions[i].Features, Agent.Schema.Action));
            eligible[i] = actions[i].Eligible;
            if (string.Equals(actions[i].Id, decision.ChosenAction, StringComparison.Ordinal))
            {
                chosen = i;
            }
        }
        return chosen < 0
            ? null
            : new LoggedDecision(new DecisionInput(Vector(context, Agent.Schema.Context), inputs), chosen, decision.Probability, decision.Reward ?? Agent.DefaultReward, eligible);
    }

    private static double[] Vector(Dictionary<string, double> values, IReadOnlyList<string> names)
    {
        var vector = new double[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            if (values.TryGetValue(names[i], out double value) && double.IsFinite(value))
            {
                vector[i] = value;
            }
        }
        return vector;
    }
}
