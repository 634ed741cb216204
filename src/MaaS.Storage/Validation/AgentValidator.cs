using System.Text.RegularExpressions;

namespace MaaS.Storage.Validation;

/// <summary>The store's own checks of agent names, decisions and outcomes (the service validates first, in more detail).</summary>
internal static partial class AgentValidator
{
    public const int MaxOutcomesPerBatch = 10_000;

    public static Error? Name(string? name, string field = "name") =>
        name is not null && AgentName().IsMatch(name) ? null : Error.Invalid(field, "must be 1-64 of a-z 0-9 - _, starting with a letter or digit");

    public static Error? Decision(AgentDecision decision) =>
        InputValidator.Tenant(decision.Tenant) ?? Name(decision.Agent, "agent")
        ?? (string.IsNullOrEmpty(decision.DecisionId) || decision.DecisionId.Length > 64 ? Error.Invalid("decisionId", "must be 1-64 characters") : null)
        ?? (decision.Probability is > 0 and <= 1 ? null : Error.Invalid("probability", "must be in (0, 1]"));

    public static Error? Outcomes(IReadOnlyList<AgentOutcome>? outcomes)
    {
        if (outcomes is null || outcomes.Count is 0 or > MaxOutcomesPerBatch)
        {
            return Error.Invalid("outcomes", $"must hold 1-{MaxOutcomesPerBatch} outcomes");
        }
        var problems = new List<FieldProblem>();
        for (int i = 0; i < outcomes.Count; i++)
        {
            if (string.IsNullOrEmpty(outcomes[i].DecisionId) || outcomes[i].DecisionId.Length > 64)
            {
                problems.Add(new FieldProblem(i, $"outcomes[{i}].decisionId", "must be 1-64 characters"));
            }
            if (!double.IsFinite(outcomes[i].Reward))
            {
                problems.Add(new FieldProblem(i, $"outcomes[{i}].reward", "must be a finite number"));
            }
        }
        return problems.Count == 0 ? null : Error.Invalid(problems);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex AgentName();
}

/// <summary>The one decision of what an outcome does to a stored decision, shared by both stores.</summary>
internal static class AgentOutcomeRules
{
    /// <summary>The answer and the decision to write back (null when nothing changes).</summary>
    public static (OutcomeResult Result, AgentDecision? Write) Apply(
        AgentOutcome outcome, AgentDecision? stored, DateTimeOffset lateBefore, double defaultReward, DateTimeOffset now)
    {
        if (stored is null)
        {
            return (new OutcomeResult(outcome.DecisionId, OutcomeState.Unknown, null, null), null);
        }
        if (stored.Source == RewardSource.Outcome)
        {
            return (new OutcomeResult(outcome.DecisionId, OutcomeState.Duplicate, stored, null), null);
        }
        if (stored.Inactive)
        {
            // Kept, not learnt: activation learns it (Personalizer learns a deferred event's reward only once it is activated).
            AgentDecision pending = stored with { Reward = outcome.Reward, Source = RewardSource.Outcome, RewardedAt = now };
            return (new OutcomeResult(outcome.DecisionId, OutcomeState.Pending, pending, null), pending);
        }
        if (stored.Source == RewardSource.Default || stored.ActivatedAt < lateBefore)
        {
            bool defaultNow = stored.Source == RewardSource.None;
            AgentDecision late = stored with
            {
                Reward = defaultNow ? defaultReward : stored.Reward,
                Source = RewardSource.Default,
                RewardedAt = defaultNow ? now : stored.RewardedAt,
                LateReward = stored.LateReward ?? outcome.Reward,
            };
            return (new OutcomeResult(outcome.DecisionId, OutcomeState.Late, late, defaultNow ? defaultReward : null), late);
        }
        AgentDecision applied = stored with { Reward = outcome.Reward, Source = RewardSource.Outcome, RewardedAt = now };
        return (new OutcomeResult(outcome.DecisionId, OutcomeState.Applied, applied, outcome.Reward), applied);
    }

    /// <summary>What activating a stored decision does: the answer and the decision to write back (null when nothing changes).</summary>
    public static (ActivationResult Result, AgentDecision? Write) Activate(string decisionId, AgentDecision? stored, DateTimeOffset activatedAt)
    {
        if (stored is null)
        {
            return (new ActivationResult(decisionId, ActivationState.Unknown, null, null), null);
        }
        if (!stored.Inactive)
        {
            return (new ActivationResult(decisionId, ActivationState.AlreadyActive, stored, null), null);
        }
        AgentDecision active = stored with { Inactive = false, ActivatedAt = activatedAt };
        return (new ActivationResult(decisionId, ActivationState.Activated, active, active.Source == RewardSource.Outcome ? active.Reward : null), active);
    }

    public static Error? DecisionIds(IReadOnlyList<string>? ids)
    {
        if (ids is null || ids.Count is 0 or > AgentValidator.MaxOutcomesPerBatch)
        {
            return Error.Invalid("decisionIds", $"must hold 1-{AgentValidator.MaxOutcomesPerBatch} decision ids");
        }
        for (int i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrEmpty(ids[i]) || ids[i].Length > 64)
            {
                return Error.Invalid($"decisionIds[{i}]", "must be 1-64 characters");
            }
        }
        return null;
    }
}
