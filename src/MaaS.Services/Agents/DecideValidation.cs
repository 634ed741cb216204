namespace MaaS.Services.Agents;

/// <summary>Checks decide and outcome requests against the agent, listing every broken rule.</summary>
internal static class DecideValidation
{
    public static Result<(DecisionInput Input, bool[] Excluded)> Validate(DecideRequest? request, CompiledAgent agent)
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
        var excluded = new bool[candidates.Count];
        if (request.Excluded is { } ids)
        {
            for (int i = 0; i < ids.Count; i++)
            {
                int index = ids[i] is null ? -1 : input.IndexOf(ids[i]);
                if (index < 0)
                {
                    Add($"excluded[{i}]", "is not one of the candidate actions");
                }
                else
                {
                    excluded[index] = true;
                }
            }
        }
        return problems.Count > 0 ? Error.Invalid(problems) : (input, excluded);
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
