namespace MaaS.Services.Agents;

/// <summary>Checks decide and outcome requests against the agent, listing every broken rule.</summary>
internal static class DecideValidation
{
    public static Result<(DecisionInput Input, bool[] Excluded, IReadOnlyList<SlotRead>? Slots)> Validate(DecideRequest? request, CompiledAgent agent)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }
        var problems = new List<FieldProblem>();
        void Add(string field, string reason) => problems.Add(new FieldProblem(-1, field, reason));

        double[] context = AgentValidation.Features(request.Context, agent.Schema.Context, "context", null, Add);
        IReadOnlyList<ActionInput> candidates;
        if (request.Actions is null)
        {
            if (agent.Actions.Count == 0)
            {
                Add("actions", "this agent defines no action set: name the candidate actions");
            }
            candidates = agent.DefaultCandidates;
        }
        else
        {
            var actions = new List<ActionInput>(request.Actions.Count);
            candidates = actions;
            if (request.Actions.Count is 0 or > AgentLimits.MaxActions)
            {
                Add("actions", $"must hold 1-{AgentLimits.MaxActions} actions");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < request.Actions.Count && i < AgentLimits.MaxActions; i++)
            {
                AgentActionSpec? spec = request.Actions[i];
                if (spec is null || !AgentValidation.ValidId(spec.Id))
                {
                    Add($"actions[{i}].id", $"must be 1-{AgentLimits.MaxIdLength} characters");
                    continue;
                }
                if (!seen.Add(spec.Id!))
                {
                    Add($"actions[{i}].id", "is used twice");
                    continue;
                }
                double[]? defaults = null;
                if (agent.Actions.Count > 0 && !agent.Actions.TryGetValue(spec.Id!, out defaults))
                {
                    Add($"actions[{i}].id", "is not an action of this agent");
                    continue;
                }
                actions.Add(new ActionInput(spec.Id!, AgentValidation.Features(spec.Features, agent.Schema.Action, $"actions[{i}].features", defaults, Add)));
            }
        }
        var input = new DecisionInput(context, candidates);
        bool[] excluded = Excluded(request.Excluded, input, "excluded", Add);
        IReadOnlyList<SlotRead>? slots = request.Slots is null ? null : Slots(request.Slots, input, agent.Schema.Context, Add);
        return problems.Count > 0 ? Error.Invalid(problems) : (input, excluded, slots);
    }

    /// <summary>
    /// The slots of a multi-slot decide: each one's context is the shared context with the slot's features laid over it
    /// (they are context features of the agent), its excluded actions and its baseline checked against the candidates.
    /// </summary>
    private static List<SlotRead> Slots(IReadOnlyList<DecideSlotSpec?> specs, DecisionInput input, IReadOnlyList<string> contextNames, Action<string, string> add)
    {
        int most = Math.Min(AgentLimits.MaxSlots, input.Actions.Count);
        if (specs.Count == 0 || specs.Count > most)
        {
            add("slots", $"must hold 1-{AgentLimits.MaxSlots} slots and no more than the {input.Actions.Count} candidate actions");
        }
        var slots = new List<SlotRead>(Math.Min(specs.Count, AgentLimits.MaxSlots));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < specs.Count && i < AgentLimits.MaxSlots; i++)
        {
            DecideSlotSpec? spec = specs[i];
            if (spec is null || !AgentValidation.ValidId(spec.Id))
            {
                add($"slots[{i}].id", $"must be 1-{AgentLimits.MaxIdLength} characters");
                continue;
            }
            if (!ids.Add(spec.Id!))
            {
                add($"slots[{i}].id", "is used twice");
            }
            double[] context = AgentValidation.Features(spec.Features, contextNames, $"slots[{i}].features", input.Context, add);
            bool[] excluded = Excluded(spec.ExcludedActions, input, $"slots[{i}].excludedActions", add);
            if (spec.BaselineAction is { } baseline && input.IndexOf(baseline) < 0)
            {
                add($"slots[{i}].baselineAction", "is not one of the candidate actions");
            }
            slots.Add(new SlotRead(spec.Id!, context, excluded, spec.BaselineAction));
        }
        return slots;
    }

    /// <summary>Per candidate, whether <paramref name="ids"/> names it; an id of no candidate is a problem at <c>field[i]</c>.</summary>
    private static bool[] Excluded(IReadOnlyList<string?>? ids, DecisionInput input, string field, Action<string, string> add)
    {
        var excluded = new bool[input.Actions.Count];
        for (int i = 0; ids is not null && i < ids.Count; i++)
        {
            int index = ids[i] is { } id ? input.IndexOf(id) : -1;
            if (index < 0)
            {
                add($"{field}[{i}]", "is not one of the candidate actions");
            }
            else
            {
                excluded[index] = true;
            }
        }
        return excluded;
    }

    public static Result<IReadOnlyList<AgentOutcome>> Outcomes(OutcomeRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }
        bool single = request.DecisionId is not null || request.Reward is not null;
        if (single == (request.Outcomes is not null))
        {
            return Error.Invalid("body", "give either decisionId and reward, or outcomes (a batch), not both");
        }
        IReadOnlyList<OutcomeItem?> items = single ? [new OutcomeItem(request.DecisionId, request.Reward)] : request.Outcomes!;
        if (items.Count is 0 or > AgentLimits.MaxOutcomesPerBatch)
        {
            return Error.Invalid("outcomes", $"must hold 1-{AgentLimits.MaxOutcomesPerBatch} outcomes");
        }
        var problems = new List<FieldProblem>();
        var outcomes = new List<AgentOutcome>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            string prefix = single ? "" : $"outcomes[{i}].";
            int index = single ? -1 : i;
            OutcomeItem? item = items[i];
            if (item?.DecisionId is not { Length: > 0 and <= 64 })
            {
                problems.Add(new FieldProblem(index, prefix + "decisionId", "must be the decisionId decide returned"));
            }
            if (item?.Reward is not { } reward || !double.IsFinite(reward))
            {
                problems.Add(new FieldProblem(index, prefix + "reward", "must be a finite number"));
            }
            else if (item.DecisionId is not null)
            {
                outcomes.Add(new AgentOutcome(item.DecisionId, reward));
            }
        }
        return problems.Count > 0 ? Error.Invalid(problems) : outcomes;
    }
}
