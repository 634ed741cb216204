namespace MaaS.Services.Agents;

/// <summary>Body of <c>PUT /v1/agents/{name}</c>: everything an agent is.</summary>
/// <param name="ContextFeatures">Names of the context features, in order (at most <see cref="AgentLimits.MaxFeatures"/>).</param>
/// <param name="ActionFeatures">Names of the action features, in order.</param>
/// <param name="Actions">The action set with default features; empty means decide takes any action the request names (with its features).</param>
/// <param name="Policy">The learning policy; ε-greedy over a shared model when absent.</param>
/// <param name="Rules">Rules applied before the policy.</param>
/// <param name="RewardWindowSeconds">How long an outcome is awaited (default 60, at most 7 days).</param>
/// <param name="DefaultReward">The reward of a decision whose window closed without an outcome (default 0).</param>
/// <param name="Apprentice">Apprentice mode: follow a baseline action while the policy learns, until it is estimated better.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentDefinitionRequest(
    IReadOnlyList<string>? ContextFeatures,
    IReadOnlyList<string>? ActionFeatures,
    IReadOnlyList<AgentActionSpec>? Actions,
    AgentPolicySpec? Policy,
    IReadOnlyList<AgentRuleSpec>? Rules,
    double? RewardWindowSeconds,
    double? DefaultReward,
    AgentApprenticeSpec? Apprentice = null);

/// <summary>Apprentice mode settings.</summary>
/// <param name="Baseline">The action to follow when a decide request names none (a fixed baseline); optional.</param>
/// <param name="Margin">How much the learner's SNIPS estimate must beat the baseline's observed mean reward (default 0.02).</param>
/// <param name="Window">The latest rewarded decisions both are measured over, and the fewest before a switch (default 1000).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentApprenticeSpec(string? Baseline, double? Margin, int? Window);

/// <summary>Where an apprentice agent stands.</summary>
/// <param name="Mode">apprentice (decisions follow the baseline) or learned (the policy decides, since it was estimated better).</param>
/// <param name="Decisions">Rewarded apprentice decisions measured.</param>
/// <param name="BaselineReward">Mean reward of the decisions that followed the baseline, over the window.</param>
/// <param name="LearnerIps">The policy's IPS estimate over the same window (scored before it learnt each reward).</param>
/// <param name="LearnerSnips">The policy's SNIPS estimate: what the switch compares with the baseline.</param>
/// <param name="SwitchedAfter">Measured decisions when it switched; null while an apprentice.</param>
public sealed record AgentApprenticeView(string Mode, long Decisions, double? BaselineReward, double? LearnerIps, double? LearnerSnips, long? SwitchedAfter);

/// <summary>An action: its id and its features by name (a missing feature is 0).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentActionSpec(string? Id, IReadOnlyDictionary<string, double>? Features);

/// <summary>Policy settings.</summary>
/// <param name="Kind">random, epsilon-greedy, linucb or onnx (the scores of <see cref="RegistryModel"/>).</param>
/// <param name="Epsilon">Exploration share in [0, 1] (default 0.05).</param>
/// <param name="Alpha">LinUCB's confidence multiplier ≥ 0 (default 1).</param>
/// <param name="Lambda">Ridge prior precision > 0 (default 1).</param>
/// <param name="Model">shared (context × action features) or disjoint (one model per action).</param>
/// <param name="Seed">Seed of the sampling generator.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentPolicySpec(string? Kind, double? Epsilon, double? Alpha, double? Lambda, string? Model, int? Seed)
{
    /// <summary>Kind onnx: the registry model whose scores decide (its default version when none is named).</summary>
    public AgentModelRef? RegistryModel { get; init; }
}

/// <summary>A model of the registry: its name and, optionally, a version (the default version otherwise).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentModelRef(string? Name, long? Version);

/// <summary>A rule: a name, a condition (e.g. <c>context.skill &lt; 0.3 and action.difficulty &gt; 0.7</c>) and an effect (allow, forbid, force).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AgentRuleSpec(string? Name, string? When, string? Effect);

/// <summary>An agent as <c>GET /v1/agents/{name}</c> shows it.</summary>
/// <param name="Name">Agent name.</param>
/// <param name="Version">Definition version: 1, then +1 per PUT.</param>
/// <param name="PolicyVersion">Rewards the policy has learnt since it was built (grows with every outcome).</param>
/// <param name="Definition">The definition with every default filled in.</param>
/// <param name="Decisions">Decisions logged.</param>
/// <param name="Outcomes">Active decisions rewarded by an outcome.</param>
/// <param name="Defaulted">Decisions given the default reward.</param>
/// <param name="MeanReward">Mean of the active decisions' rewards (null before any).</param>
/// <param name="Hours">Decisions and rewards per hour, the latest 48 hours with decisions.</param>
/// <param name="Apprentice">The mode and the estimates of an apprentice agent; null for others.</param>
/// <param name="AwaitingActivation">Deferred decisions not activated yet (among <paramref name="Decisions"/>; in no reward figure).</param>
public sealed record AgentResponse(
    string Name, long Version, long PolicyVersion, AgentDefinitionRequest Definition, long Decisions, long Outcomes, long Defaulted, double? MeanReward,
    IReadOnlyList<AgentHourView> Hours, AgentApprenticeView? Apprentice = null, long AwaitingActivation = 0);

/// <summary>An agent as <c>GET /v1/agents</c> lists it: its stored definition, without its log's figures (GET the agent for those).</summary>
/// <param name="Name">Agent name.</param>
/// <param name="Version">Definition version: 1, then +1 per PUT.</param>
/// <param name="UpdatedAt">When the definition last changed.</param>
/// <param name="Definition">The definition with every default filled in.</param>
public sealed record AgentSummary(string Name, long Version, DateTimeOffset UpdatedAt, AgentDefinitionRequest? Definition);

/// <summary>The answer to a definition: the agent, and whether this definition created it (else it replaced one).</summary>
public sealed record AgentPut(AgentResponse Agent, bool Created);

/// <summary>One hour of an agent's log.</summary>
public sealed record AgentHourView(DateTimeOffset Hour, long Decisions, long Rewarded, double? MeanReward);

/// <summary>Body of <c>POST /v1/agents/{name}/decide</c>.</summary>
/// <param name="Context">Context feature values by name (a missing one is 0; an unknown name is refused).</param>
/// <param name="Actions">Candidate actions; the agent's whole action set when absent. Features given here override the defined ones.</param>
/// <param name="Excluded">Ids of candidate actions not to choose this time.</param>
/// <param name="Explain">Adds the rules that fired.</param>
/// <param name="Baseline">Apprentice agents: the action the game's own logic would take (overrides the definition's baseline).</param>
/// <param name="DeferActivation">
/// Logs the decision inactive: it is neither learnt, evaluated nor defaulted until it is activated
/// (<c>POST /v1/agents/{name}/decisions/{decisionId}/activate</c>), when its reward window opens.
/// </param>
/// <param name="Slots">
/// Multi-slot decide (Personalizer's multi-slot rank, VW's conditional contextual bandit): one distinct action per slot,
/// decided in order, each slot an ordinary logged decision with its own id (at most <see cref="AgentLimits.MaxSlots"/>
/// and no more than the candidates). The answer is then a <see cref="SlotsDecideResponse"/>.
/// </param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DecideRequest(
    IReadOnlyDictionary<string, double>? Context, IReadOnlyList<AgentActionSpec>? Actions, IReadOnlyList<string>? Excluded, bool Explain, string? Baseline = null,
    bool DeferActivation = false, IReadOnlyList<DecideSlotSpec>? Slots = null);

/// <summary>One slot of a multi-slot decide.</summary>
/// <param name="Id">The slot's name (1-128 characters, unique in the request), echoed in the answer.</param>
/// <param name="Features">The slot's own features: context features of the agent (e.g. position, size) that override the shared context's for this slot.</param>
/// <param name="ExcludedActions">Candidate action ids this slot must not take (beside the request's <c>excluded</c> and the earlier slots' choices).</param>
/// <param name="BaselineAction">Apprentice agents: the action the game would put in this slot (else the request's <c>baseline</c>, else the definition's).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DecideSlotSpec(string? Id, IReadOnlyDictionary<string, double>? Features, IReadOnlyList<string>? ExcludedActions, string? BaselineAction);

/// <summary>The answer to a multi-slot decide: one decision per slot, in the request's slot order.</summary>
/// <param name="Slots">Per slot its decision (an unfilled slot has no decision id and no action).</param>
/// <param name="PolicyVersion">Rewards learnt when deciding.</param>
/// <param name="Active">False when the call deferred activation: each slot's decision awaits its own activation.</param>
public sealed record SlotsDecideResponse(IReadOnlyList<SlotDecision> Slots, long PolicyVersion, bool Active = true) : DecideAnswer;

/// <summary>
/// One slot's decision. A slot whose candidates are all taken by earlier slots, excluded or forbidden is unfilled:
/// <paramref name="DecisionId"/> and <paramref name="ActionId"/> are absent, probability 0, nothing is logged for it.
/// </summary>
/// <param name="Id">The slot's id.</param>
/// <param name="DecisionId">Report this slot's reward with it (an ordinary decision of the log).</param>
/// <param name="ActionId">The action chosen for the slot.</param>
/// <param name="Probability">Its probability given the earlier slots' choices (what offline evaluation weighs by).</param>
/// <param name="Ranking">Every candidate for this slot, most probable first (earlier slots' choices not eligible).</param>
/// <param name="Explain">The rules that fired for this slot (when asked).</param>
public sealed record SlotDecision(string Id, string? DecisionId, string? ActionId, double Probability, IReadOnlyList<RankedAction> Ranking, IReadOnlyList<RuleFiringView>? Explain);

/// <summary>
/// What <c>decide</c> answers: a <see cref="DecideResponse"/>, or a <see cref="SlotsDecideResponse"/> when the request
/// named slots. Written as the shape it is, without a discriminator (none is needed: a client knows which it asked for),
/// and documented as either (MaaS.Http's <c>AlternativeAnswersFilter</c>).
/// </summary>
[JsonDerivedType(typeof(DecideResponse))]
[JsonDerivedType(typeof(SlotsDecideResponse))]
public abstract record DecideAnswer;

/// <summary>The decision.</summary>
/// <param name="DecisionId">Report the outcome with it.</param>
/// <param name="Action">The chosen action.</param>
/// <param name="Probability">Its probability under the policy (what offline evaluation weighs by).</param>
/// <param name="Ranking">Every candidate, most probable first.</param>
/// <param name="PolicyVersion">Rewards learnt when deciding.</param>
/// <param name="Explain">The rules that fired (when asked).</param>
/// <param name="Active">False for a decision whose activation was deferred: it awaits activation before it counts.</param>
public sealed record DecideResponse(
    string DecisionId, string Action, double Probability, IReadOnlyList<RankedAction> Ranking, long PolicyVersion, IReadOnlyList<RuleFiringView>? Explain, bool Active = true) : DecideAnswer;

/// <summary>One candidate of a decision.</summary>
/// <param name="Id">Action id.</param>
/// <param name="Probability">Its probability (0 when not eligible).</param>
/// <param name="Score">The policy's score (estimate, or upper confidence bound for LinUCB).</param>
/// <param name="Eligible">Whether rules and exclusions left it.</param>
public sealed record RankedAction(string Id, double Probability, double Score, bool Eligible);

/// <summary>A rule that held for an action.</summary>
public sealed record RuleFiringView(string Rule, string Action, string Effect);

/// <summary>Body of <c>POST /v1/agents/{name}/outcomes</c>: one outcome (decisionId, reward) or a batch (outcomes).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutcomeRequest(string? DecisionId, double? Reward, IReadOnlyList<OutcomeItem>? Outcomes);

/// <summary>One reported reward.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record OutcomeItem(string? DecisionId, double? Reward);

/// <summary>What became of the outcomes: counts, then one result per outcome in request order.</summary>
public sealed record OutcomeResponse(int Applied, int Duplicate, int Late, int Unknown, int Pending, IReadOnlyList<OutcomeItemResult> Results);

/// <summary>
/// applied, duplicate (the first outcome stands), late (the window had closed: the default stands, the reward is kept
/// for audit), unknown, or pending (the decision awaits activation: the reward is kept and learnt when it is activated).
/// </summary>
public sealed record OutcomeItemResult(string DecisionId, string State);

/// <summary>Body of <c>POST /v1/agents/{name}/activations</c>: the deferred decisions now shown to the user.</summary>
/// <param name="DecisionIds">1-10,000 decision ids.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ActivationRequest(IReadOnlyList<string>? DecisionIds);

/// <summary>What became of the activations: counts, then one result per id in request order.</summary>
public sealed record ActivationResponse(int Activated, int AlreadyActive, int Unknown, IReadOnlyList<ActivationItemResult> Results);

/// <summary>activated (its reward window opens now), alreadyActive (nothing changed) or unknown.</summary>
public sealed record ActivationItemResult(string DecisionId, string State);

/// <summary>Body of <c>POST /v1/agents/{name}/evaluate</c>.</summary>
/// <param name="Policy">The candidate setting (the agent's own when absent).</param>
/// <param name="Limit">The latest rewarded decisions to read (default and most 100,000).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EvaluateRequest(AgentPolicySpec? Policy, int? Limit);

/// <summary>Offline estimates of the candidate's mean reward over the logged decisions.</summary>
/// <param name="Decisions">Rewarded decisions read.</param>
/// <param name="LoggedMean">The mean reward the deployed policy got.</param>
/// <param name="Ips">Inverse propensity scoring.</param>
/// <param name="Snips">Self-normalised IPS.</param>
/// <param name="DoublyRobust">Doubly robust (ridge direct method + IPS residual).</param>
/// <param name="DirectMethod">The regressor alone.</param>
/// <param name="EffectiveSampleSize">(Σw)²/Σw².</param>
/// <param name="Candidate">The candidate setting, defaults filled in.</param>
public sealed record EvaluateResponse(int Decisions, double LoggedMean, double Ips, double Snips, double DoublyRobust, double DirectMethod, double EffectiveSampleSize, AgentPolicySpec Candidate);
