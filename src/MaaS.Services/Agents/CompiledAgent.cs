namespace MaaS.Services.Agents;

/// <summary>A validated agent definition, ready to decide: schema, policy settings, compiled rules, the action set. Immutable.</summary>
/// <param name="Definition">The definition with every default filled in (what is stored and shown).</param>
/// <param name="Schema">Context and action feature names.</param>
/// <param name="Policy">The policy settings.</param>
/// <param name="Rules">The compiled rules.</param>
/// <param name="Actions">The action set with default features in schema order; empty for an open set.</param>
/// <param name="Window">How long an outcome is awaited.</param>
/// <param name="DefaultReward">The reward of a decision whose window closed without an outcome.</param>
/// <param name="Apprentice">Apprentice mode's switch settings; null when the policy decides from the start.</param>
/// <param name="Baseline">The apprentice's fixed baseline action, when the definition names one.</param>
internal sealed record CompiledAgent(
    AgentDefinitionRequest Definition, FeatureSchema Schema, PolicySettings Policy, RuleSet Rules,
    IReadOnlyDictionary<string, double[]> Actions, TimeSpan Window, double DefaultReward,
    ApprenticeSettings? Apprentice = null, string? Baseline = null)
{
    /// <summary>The registry model that scores the actions (policy kind onnx), or null for a bandit policy.</summary>
    public AgentModelRef? PolicyModel { get; init; }

    /// <summary>
    /// The action set as the candidates of a decide request that names none, built once: decisions only read them
    /// (<see cref="ActionInput"/> is immutable by convention), so every such decision shares this list.
    /// </summary>
    public IReadOnlyList<ActionInput> DefaultCandidates { get; } = [.. Actions.Select(a => new ActionInput(a.Key, a.Value))];
}
