namespace MaaS.Agents.Features;

/// <summary>One candidate action: its id and its feature values in the agent's action-feature order.</summary>
/// <param name="Id">The action's name, unique within one decision.</param>
/// <param name="Features">Values in <see cref="FeatureSchema.Action"/> order; the caller must not change them afterwards.</param>
public sealed record ActionInput(string Id, double[] Features);

/// <summary>
/// What one decision sees: the context features in <see cref="FeatureSchema.Context"/> order and the candidate actions.
/// Immutable by convention: policies and rules only read it.
/// </summary>
public sealed record DecisionInput(double[] Context, IReadOnlyList<ActionInput> Actions)
{
    /// <summary>The index of the action with this id, or -1.</summary>
    public int IndexOf(string id)
    {
        for (int i = 0; i < Actions.Count; i++)
        {
            if (string.Equals(Actions[i].Id, id, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>The names of an agent's context and action features; their order is the order of every feature array.</summary>
public sealed record FeatureSchema(IReadOnlyList<string> Context, IReadOnlyList<string> Action)
{
    /// <summary>The index of a context feature, or -1.</summary>
    public int ContextIndex(string name) => IndexIn(Context, name);

    /// <summary>The index of an action feature, or -1.</summary>
    public int ActionIndex(string name) => IndexIn(Action, name);

    /// <summary>The length of the shared interaction vector: ([1, context] ⊗ [1, action]).</summary>
    public int InteractionLength => (Context.Count + 1) * (Action.Count + 1);

    private static int IndexIn(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
