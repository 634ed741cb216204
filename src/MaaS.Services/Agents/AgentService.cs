using MaaS.Agents.Evaluation;
using MaaS.Services.Agents.Onnx;

namespace MaaS.Services.Agents;

/// <summary>
/// Agents per tenant: define, list, decide, record outcomes, evaluate offline, delete. Owns the loaded agents: each is
/// built once per process from its stored definition, and its policy restores the newest snapshot and replays the
/// rewarded decisions it has not learnt (<see cref="AgentSnapshots"/>), so a restart resumes where the last process stopped. A loaded agent is compared with the store's definition
/// at most every <see cref="Recheck"/> while it is used, so a redefinition or deletion on another replica reaches this
/// one within that time. Thread-safe; a singleton.
/// </summary>
internal sealed class AgentService(IStorage storage, TimeProvider time, ILogger<AgentService> logger, OnnxPolicyScorer scorer, AgentSnapshots snapshots)
{
    /// <summary>How long a loaded agent serves before the store's definition is read again (one read per agent and replica).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private const int Page = 5_000;
    private readonly Dictionary<(string Tenant, string Name), AgentRuntime> _loaded = [];
    private readonly SemaphoreSlim _loadGate = new(1, 1);

    /// <summary>The agents loaded in this process.</summary>
    public IReadOnlyList<AgentRuntime> Loaded
    {
        get
        {
            lock (_loaded)
            {
                return [.. _loaded.Values];
            }
        }
    }

    /// <summary>Defines or redefines the agent; the answer says which (a first definition is stored as version 1).</summary>
    public async ValueTask<Result<AgentPut>> PutAsync(string tenant, string name, AgentDefinitionRequest? request, CancellationToken cancellationToken)
    {
        if (AgentValidation.Name(name) is { } badName)
        {
            return badName;
        }
        Result<CompiledAgent> compiled = AgentValidation.Definition(request);
        if (!compiled.TryGetValue(out CompiledAgent? agent, out Error? error))
        {
            return error;
        }
        if (agent.PolicyModel is { } policyModel && scorer.Check(policyModel, agent.Schema, agent.Actions.Keys) is { Count: > 0 } modelProblems)
        {
            return Error.Invalid([.. modelProblems.Select(p => new FieldProblem(-1, p.Field, p.Message))]);
        }
        bool created;
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string json = JsonSerializer.Serialize(agent.Definition, AgentJsonContext.Default.AgentDefinitionRequest);
            Result<AgentRecord> stored = await storage.Agents.PutAsync(tenant, name, json, cancellationToken).ConfigureAwait(false);
            if (!stored.TryGetValue(out AgentRecord? record, out error))
            {
                return error;
            }
            created = record.Version == 1;
            // A new definition (features, policy, exploration) gets a new policy that relearns the whole log.
            Result<AgentRuntime> runtime = await BuildAsync(record, agent, cancellationToken).ConfigureAwait(false);
            if (!runtime.IsSuccess)
            {
                return runtime.Error;
            }
            lock (_loaded)
            {
                _loaded[(tenant, name)] = runtime.Value;
            }
        }
        finally
        {
            _loadGate.Release();
        }
        Result<AgentResponse> agentNow = await GetAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        return agentNow.TryGetValue(out AgentResponse? response, out error) ? new AgentPut(response, created) : error;
    }

    /// <summary>A page of the tenant's agents by name (ordinal), from the store: no policy is loaded to list them.</summary>
    public async ValueTask<Result<Page<AgentSummary>>> ListAsync(string tenant, PageRequest page, CancellationToken cancellationToken)
    {
        if (page.After is { } after)
        {
            Result<AgentRecord> cursor = AgentValidation.Name(after) is null
                ? await storage.Agents.GetAsync(tenant, after, cancellationToken).ConfigureAwait(false)
                : Error.NotFound("agent");
            if (!cursor.IsSuccess)
            {
                return cursor.Error.Code == ErrorCode.NotFound ? Paging.Page.UnknownCursor("agent of this tenant") : cursor.Error;
            }
        }
        Result<IReadOnlyList<AgentRecord>> listed = await storage.Agents.ListAsync(tenant, page.After, page.Probe, cancellationToken).ConfigureAwait(false);
        if (!listed.TryGetValue(out IReadOnlyList<AgentRecord>? records, out Error? error))
        {
            return error;
        }
        return Paging.Page.Of(records, page, r => r.Name).Select(r => new AgentSummary(r.Name, r.Version, r.UpdatedAt, Stored(r.Definition)));

        static AgentDefinitionRequest? Stored(string json)
        {
            try
            {
                return JsonSerializer.Deserialize(json, AgentJsonContext.StoredDefinition);
            }
            catch (JsonException)
            {
                // GET /v1/agents/{name} reports what is wrong with it; the list still names the agent.
                return null;
            }
        }
    }

    /// <summary>
    /// Deletes the agent: its definition and decision log, durably, then this process's loaded copy; other replicas drop
    /// theirs within <see cref="Recheck"/>. A later GET or decide is a 404, and defining the name again starts anew.
    /// </summary>
    public async ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        if (AgentValidation.Name(name) is { } badName)
        {
            return badName;
        }
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Result<bool> deleted = await storage.Agents.DeleteAsync(tenant, name, cancellationToken).ConfigureAwait(false);
            if (!deleted.TryGetValue(out bool existed, out Error? error))
            {
                return error;
            }
            lock (_loaded)
            {
                _loaded.Remove((tenant, name));
            }
            return existed ? true : Error.NotFound("agent");
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public async ValueTask<Result<AgentResponse>> GetAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        Result<AgentRuntime> loaded = await RuntimeAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        if (!loaded.TryGetValue(out AgentRuntime? runtime, out Error? error))
        {
            return error;
        }
        Result<AgentLogStats> stats = await storage.Agents.StatsAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        if (!stats.TryGetValue(out AgentLogStats? s, out error))
        {
            return error;
        }
        long rewarded = s.Outcomes + s.Defaulted;
        return new AgentResponse(
            name, runtime.Version, runtime.PolicyVersion, runtime.Agent.Definition, s.Decisions, s.Outcomes, s.Defaulted,
            rewarded > 0 ? s.RewardSum / rewarded : null,
            [.. s.Hours.Select(h => new AgentHourView(h.Hour, h.Decisions, h.Rewarded, h.Rewarded > 0 ? h.RewardSum / h.Rewarded : null))],
            runtime.Apprentice is { } a
                ? new AgentApprenticeView(a.Mode.ToString().ToLowerInvariant(), a.Decisions, a.BaselineReward, a.LearnerIps, a.LearnerSnips, a.SwitchedAfter)
                : null,
            s.Inactive);
    }

    /// <summary>
    /// Decides a request. The agent is found once (loaded, rechecked against the store). A body kept as its UTF-8
    /// bytes (<paramref name="json"/>) in the contract's exact shape is read straight into the agent's vectors
    /// (<see cref="DecideReader"/>); any other body, or one for an agent that is not there, is bound by
    /// <paramref name="bind"/> and validated, so a body that does not parse is a 400 before an unknown agent is a 404,
    /// and every error keeps its wording.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The agent's name.</param>
    /// <param name="json">The whole request body when the caller kept it as bytes; null when it bound it already.</param>
    /// <param name="options">The limits the serializer reads bodies with.</param>
    /// <param name="body">What <paramref name="bind"/> binds.</param>
    /// <param name="bind">The request bound the general way from <paramref name="body"/>, or the error binding it.</param>
    /// <typeparam name="TBody">The caller's body.</typeparam>
    /// <param name="cancellationToken">Cancels the decision until it is queued for the log.</param>
    public async ValueTask<Result<DecideAnswer>> DecideAsync<TBody>(
        string tenant, string name, ReadOnlyMemory<byte>? json, JsonReaderOptions options, TBody body, Func<TBody, Result<DecideRequest?>> bind,
        CancellationToken cancellationToken)
    {
        Result<AgentRuntime> loaded = await RuntimeAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        bool found = loaded.TryGetValue(out AgentRuntime? runtime, out Error? error);
        if (found && json is { } bytes && DecideReader.TryRead(bytes.Span, runtime!.Agent, runtime.Codec, options) is { } read)
        {
            return Answer(await DecideAsync(runtime, read, cancellationToken).ConfigureAwait(false));
        }
        if (!bind(body).TryGetValue(out DecideRequest? request, out Error? unbound))
        {
            return unbound;
        }
        if (!found)
        {
            return error!;
        }
        var validated = DecideValidation.Validate(request, runtime!.Agent);
        if (!validated.TryGetValue(out var valid, out error))
        {
            return error;
        }
        var bound = new DecideRead(valid.Input, valid.Excluded, request!.Explain, request.Baseline) { DeferActivation = request.DeferActivation, Slots = valid.Slots };
        return bound.Slots is not null
            ? Answer(await DecideSlotsAsync(runtime, bound, cancellationToken).ConfigureAwait(false))
            : Answer(await DecideAsync(runtime, bound, cancellationToken).ConfigureAwait(false));
    }

    private static Result<DecideAnswer> Answer<T>(Result<T> decided)
        where T : DecideAnswer =>
        decided.TryGetValue(out T? answer, out Error? error) ? answer : error;

    /// <summary>
    /// A multi-slot decide, VW's conditional contextual bandit: the slots are decided in order, each over the candidates
    /// that the request, the slot and the earlier slots' choices leave, with the slot's context, the rules and the policy
    /// exactly as a single decision; each filled slot is one decision of the log (all durable before the answer).
    /// </summary>
    private async ValueTask<Result<SlotsDecideResponse>> DecideSlotsAsync(AgentRuntime runtime, DecideRead valid, CancellationToken cancellationToken)
    {
        IReadOnlyList<ActionInput> actions = valid.Input.Actions;
        IReadOnlyList<SlotRead> slots = valid.Slots!;
        var taken = new bool[actions.Count];
        var answers = new SlotDecision[slots.Count];
        var logged = new List<(AgentDecision Decision, DecisionInput Input, int Chosen, bool[] Eligible, int Baseline)>(slots.Count);
        long policyVersion = runtime.PolicyVersion;
        for (int s = 0; s < slots.Count; s++)
        {
            SlotRead slot = slots[s];
            var excluded = new bool[actions.Count];
            for (int a = 0; a < excluded.Length; a++)
            {
                excluded[a] = valid.Excluded[a] || slot.Excluded[a] || taken[a];
            }
            var input = new DecisionInput(slot.Context, actions);
            RuleOutcome rules = runtime.Agent.Rules.Apply(input, excluded);
            IReadOnlyList<RuleFiringView>? explain = valid.Explain ? Explain(rules) : null;
            if (!rules.AnyEligible)
            {
                // Personalizer leaves such a slot without an action; nothing is logged, so nothing awaits its reward.
                answers[s] = new SlotDecision(slot.Id, null, null, 0, [.. actions.Select(a => new RankedAction(a.Id, 0, 0, false))], explain);
                continue;
            }
            Result<int> baseline = Baseline(runtime, slot.Baseline ?? valid.Baseline, input, slot.Baseline is null ? "baseline" : $"slots[{s}].baselineAction");
            if (!baseline.IsSuccess)
            {
                return baseline.Error;
            }
            PolicyDecision decision;
            if (runtime.Agent.PolicyModel is { } policyModel)
            {
                Result<double[]> scores = await scorer.ScoreAsync(policyModel, input, cancellationToken).ConfigureAwait(false);
                if (!scores.TryGetValue(out double[]? modelScores, out Error? error))
                {
                    return error;
                }
                (decision, policyVersion) = runtime.Decide(rules.Eligible, modelScores);
            }
            else
            {
                (decision, policyVersion) = runtime.Decide(input, rules.Eligible, baseline.Value);
            }
            taken[decision.Chosen] = true;
            var row = new AgentDecision(
                DecisionIds.New(time.GetUtcNow()), runtime.Tenant, runtime.Name,
                runtime.Codec.WriteContext(slot.Context), runtime.Codec.WriteActions(actions, rules.Eligible, baseline.Value),
                actions[decision.Chosen].Id, decision.Probabilities[decision.Chosen], time.GetUtcNow()) { Inactive = valid.DeferActivation };
            logged.Add((row, input, decision.Chosen, rules.Eligible, baseline.Value));
            answers[s] = new SlotDecision(slot.Id, row.DecisionId, row.ChosenAction, row.Probability, Rank(actions, decision, rules.Eligible), explain);
        }
        // Appended together, so they share the log's group commit; every slot is durable before the answer.
        Result<AgentDecision>[] appended = await Task.WhenAll(logged.Select(l => storage.Agents.AppendAsync(l.Decision, cancellationToken).AsTask())).ConfigureAwait(false);
        if (appended.FirstOrDefault(a => !a.IsSuccess) is { Error: { } failed })
        {
            return failed;
        }
        foreach (var l in logged)
        {
            runtime.Remember(l.Decision.DecisionId, l.Input, l.Chosen, l.Eligible, l.Baseline);
        }
        return new SlotsDecideResponse(answers, policyVersion, !valid.DeferActivation);
    }

    private static RuleFiringView[] Explain(RuleOutcome rules) =>
        [.. rules.Fired.Select(f => new RuleFiringView(f.Rule, f.Action, f.Effect.ToString().ToLowerInvariant()))];

    /// <summary>Decides a request already checked against its agent: rules, the policy, the log (durable before the answer).</summary>
    private async ValueTask<Result<DecideResponse>> DecideAsync(AgentRuntime runtime, DecideRead valid, CancellationToken cancellationToken)
    {
        Error? error;
        string tenant = runtime.Tenant, name = runtime.Name;
        RuleOutcome rules = runtime.Agent.Rules.Apply(valid.Input, valid.Excluded);
        if (!rules.AnyEligible)
        {
            return new Error(ErrorCode.Conflict, "every candidate action is excluded or forbidden by the agent's rules: nothing to choose");
        }
        Result<int> baseline = Baseline(runtime, valid.Baseline, valid.Input);
        if (!baseline.IsSuccess)
        {
            return baseline.Error;
        }
        PolicyDecision decision;
        long policyVersion;
        if (runtime.Agent.PolicyModel is { } policyModel)
        {
            Result<double[]> scores = await scorer.ScoreAsync(policyModel, valid.Input, cancellationToken).ConfigureAwait(false);
            if (!scores.TryGetValue(out double[]? modelScores, out error))
            {
                return error;
            }
            (decision, policyVersion) = runtime.Decide(rules.Eligible, modelScores);
        }
        else
        {
            (decision, policyVersion) = runtime.Decide(valid.Input, rules.Eligible, baseline.Value);
        }
        IReadOnlyList<ActionInput> actions = valid.Input.Actions;
        var logged = new AgentDecision(
            DecisionIds.New(time.GetUtcNow()), tenant, name,
            valid.LogContext ?? runtime.Codec.WriteContext(valid.Input.Context), runtime.Codec.WriteActions(actions, rules.Eligible, baseline.Value),
            actions[decision.Chosen].Id, decision.Probabilities[decision.Chosen], time.GetUtcNow()) { Inactive = valid.DeferActivation };
        // The decision exists only once it is in the log: an outcome can then always find it, and evaluation weighs it.
        Result<AgentDecision> appended = await storage.Agents.AppendAsync(logged, cancellationToken).ConfigureAwait(false);
        if (!appended.IsSuccess)
        {
            return appended.Error;
        }
        runtime.Remember(logged.DecisionId, valid.Input, decision.Chosen, rules.Eligible, baseline.Value);
        RankedAction[] ranking = Rank(actions, decision, rules.Eligible);
        IReadOnlyList<RuleFiringView>? explain = valid.Explain ? Explain(rules) : null;
        return new DecideResponse(logged.DecisionId, logged.ChosenAction, logged.Probability, ranking, policyVersion, explain, !logged.Inactive);
    }

    /// <summary>
    /// Every candidate, most probable first, then by score; ties keep the candidates' order. An insertion sort in place:
    /// at most <see cref="AgentLimits.MaxActions"/> candidates, already mostly in order, and nothing allocated beside
    /// the answer's own array (the LINQ sort it replaces allocated its iterators, keys and list on every decide).
    /// </summary>
    private static RankedAction[] Rank(IReadOnlyList<ActionInput> actions, PolicyDecision decision, bool[] eligible)
    {
        var ranking = new RankedAction[actions.Count];
        for (int i = 0; i < ranking.Length; i++)
        {
            var ranked = new RankedAction(actions[i].Id, decision.Probabilities[i], decision.Scores[i], eligible[i]);
            int j = i;
            for (; j > 0 && Before(ranked, ranking[j - 1]); j--)
            {
                ranking[j] = ranking[j - 1];
            }
            ranking[j] = ranked;
        }
        return ranking;

        static bool Before(RankedAction a, RankedAction b) => a.Probability > b.Probability || (a.Probability == b.Probability && a.Score > b.Score);
    }

    /// <summary>An apprentice's baseline index among the candidates (the request's, else the definition's); −1 when none applies.</summary>
    private static Result<int> Baseline(AgentRuntime runtime, string? requested, DecisionInput input, string field = "baseline")
    {
        if (runtime.Agent.Apprentice is null)
        {
            return requested is null ? -1 : Error.Invalid(field, "this agent has no apprentice mode: define apprentice to follow a baseline");
        }
        string? id = requested ?? runtime.Agent.Baseline;
        if (id is null)
        {
            // Once switched the policy decides alone; until then the decisions have nothing to follow.
            return runtime.Apprentice?.Mode == ApprenticeMode.Learned
                ? -1
                : Error.Invalid("baseline", "an apprentice agent needs a baseline action: name one here or in the definition's apprentice.baseline");
        }
        int index = input.IndexOf(id);
        return index >= 0 ? index : Error.Invalid(field, "is not one of the candidate actions");
    }

    public async ValueTask<Result<OutcomeResponse>> OutcomesAsync(string tenant, string name, OutcomeRequest? request, CancellationToken cancellationToken)
    {
        Result<IReadOnlyList<AgentOutcome>> validated = DecideValidation.Outcomes(request);
        if (!validated.TryGetValue(out IReadOnlyList<AgentOutcome>? outcomes, out Error? error))
        {
            return error;
        }
        Result<AgentRuntime> loaded = await RuntimeAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        if (!loaded.TryGetValue(out AgentRuntime? runtime, out error))
        {
            return error;
        }
        Result<IReadOnlyList<OutcomeResult>> recorded = await storage.Agents.RecordOutcomesAsync(
            tenant, name, outcomes, time.GetUtcNow() - runtime.Agent.Window, runtime.Agent.DefaultReward, cancellationToken).ConfigureAwait(false);
        if (!recorded.TryGetValue(out IReadOnlyList<OutcomeResult>? results, out error))
        {
            return error;
        }
        // Learnt as soon as it is durable: the next decision already uses it.
        foreach (OutcomeResult result in results)
        {
            if (result is { Learn: { } reward, Decision: { } decision })
            {
                runtime.Learn(decision, reward);
            }
        }
        int Count(OutcomeState state) => results.Count(r => r.State == state);
        return new OutcomeResponse(
            Count(OutcomeState.Applied), Count(OutcomeState.Duplicate), Count(OutcomeState.Late), Count(OutcomeState.Unknown), Count(OutcomeState.Pending),
            [.. results.Select(r => new OutcomeItemResult(r.DecisionId, r.State.ToString().ToLowerInvariant()))]);
    }

    /// <summary>Activates one deferred decision (see the batch form); an id of no decision of this agent is a 404.</summary>
    public async ValueTask<Result<bool>> ActivateAsync(string tenant, string name, string decisionId, CancellationToken cancellationToken)
    {
        if (decisionId is not { Length: > 0 and <= 64 })
        {
            return Error.NotFound("decision");
        }
        Result<ActivationResponse> activated = await ActivateAsync(tenant, name, new ActivationRequest([decisionId]), cancellationToken).ConfigureAwait(false);
        if (!activated.TryGetValue(out ActivationResponse? response, out Error? error))
        {
            return error;
        }
        return response.Unknown > 0 ? Error.NotFound("decision") : true;
    }

    /// <summary>
    /// Activates deferred decisions (one transaction): each one's reward window opens now, and an outcome reported while
    /// it awaited activation is learnt at once. Activating an active decision changes nothing, so a retry is harmless.
    /// </summary>
    public async ValueTask<Result<ActivationResponse>> ActivateAsync(string tenant, string name, ActivationRequest? request, CancellationToken cancellationToken)
    {
        if (request?.DecisionIds is not { Count: > 0 and <= AgentLimits.MaxOutcomesPerBatch } ids)
        {
            return Error.Invalid("decisionIds", $"must hold 1-{AgentLimits.MaxOutcomesPerBatch} decision ids");
        }
        var problems = new List<FieldProblem>();
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] is not { Length: > 0 and <= 64 })
            {
                problems.Add(new FieldProblem(i, $"decisionIds[{i}]", "must be the decisionId decide returned"));
            }
        }
        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }
        Result<AgentRuntime> loaded = await RuntimeAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        if (!loaded.TryGetValue(out AgentRuntime? runtime, out Error? error))
        {
            return error;
        }
        Result<IReadOnlyList<ActivationResult>> activated = await storage.Agents.ActivateAsync(tenant, name, ids, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!activated.TryGetValue(out IReadOnlyList<ActivationResult>? results, out error))
        {
            return error;
        }
        foreach (ActivationResult result in results)
        {
            if (result is { Learn: { } reward, Decision: { } decision })
            {
                runtime.Learn(decision, reward);
            }
        }
        int Count(ActivationState state) => results.Count(r => r.State == state);
        return new ActivationResponse(
            Count(ActivationState.Activated), Count(ActivationState.AlreadyActive), Count(ActivationState.Unknown),
            [.. results.Select(r => new ActivationItemResult(r.DecisionId, JsonNamingPolicy.CamelCase.ConvertName(r.State.ToString())))]);
    }

    public async ValueTask<Result<EvaluateResponse>> EvaluateAsync(string tenant, string name, EvaluateRequest? request, CancellationToken cancellationToken)
    {
        Result<AgentRuntime> loaded = await RuntimeAsync(tenant, name, cancellationToken).ConfigureAwait(false);
        if (!loaded.TryGetValue(out AgentRuntime? runtime, out Error? error))
        {
            return error;
        }
        var problems = new List<FieldProblem>();
        PolicySettings? candidate = AgentValidation.Policy(
            request?.Policy ?? new AgentPolicySpec(null, null, null, null, null, null), "policy", (f, m) => problems.Add(new FieldProblem(-1, f, m)), runtime.Agent.Policy);
        int limit = request?.Limit ?? AgentLimits.MaxEvaluated;
        if (limit is < 1 or > AgentLimits.MaxEvaluated)
        {
            problems.Add(new FieldProblem(-1, "limit", $"must be 1..{AgentLimits.MaxEvaluated}"));
        }
        if (candidate is { Model: LinearModelKind.Shared } && runtime.Agent.Schema.InteractionLength > AgentLimits.MaxSharedDimension)
        {
            problems.Add(new FieldProblem(-1, "policy.model", $"a shared model would have {runtime.Agent.Schema.InteractionLength} weights, more than {AgentLimits.MaxSharedDimension}"));
        }
        AgentModelRef? candidateModel = null;
        if (candidate is { Kind: PolicyKind.Onnx })
        {
            // The agent's own model when the request names none (an onnx agent evaluating another exploration).
            AgentPolicySpec spec = request?.Policy ?? new AgentPolicySpec(null, null, null, null, null, null);
            candidateModel = spec.RegistryModel is null && runtime.Agent.PolicyModel is { } own
                ? own
                : OnnxPolicyValidation.Model(candidate, spec, (f, m) => problems.Add(new FieldProblem(-1, f, m)));
            if (candidateModel is not null)
            {
                problems.AddRange(scorer.Check(candidateModel, runtime.Agent.Schema, runtime.Agent.Actions.Keys).Select(p => new FieldProblem(-1, p.Field, p.Message)));
            }
        }
        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }
        var log = new List<LoggedDecision>();
        long after = 0;
        while (true)
        {
            Result<IReadOnlyList<AgentDecision>> page = await storage.Agents.ReadAsync(tenant, name, after, Page, cancellationToken).ConfigureAwait(false);
            if (!page.TryGetValue(out IReadOnlyList<AgentDecision>? decisions, out error))
            {
                return error;
            }
            foreach (AgentDecision decision in decisions)
            {
                // A decision awaiting activation is not in the log's evidence, even with an outcome kept for it.
                if (decision is { Reward: not null, Inactive: false } && runtime.Read(decision) is { } read)
                {
                    log.Add(read);
                }
            }
            if (decisions.Count < Page)
            {
                break;
            }
            after = decisions[^1].Sequence;
        }
        if (log.Count > limit)
        {
            log.RemoveRange(0, log.Count - limit);
        }
        OffPolicyEstimate estimate;
        if (candidateModel is not null)
        {
            Result<IDecisionPolicy> target = await ScoredTargetAsync(candidateModel, log, candidate!.Epsilon, cancellationToken).ConfigureAwait(false);
            if (!target.TryGetValue(out IDecisionPolicy? scored, out error))
            {
                return error;
            }
            // A model policy learns nothing online, so it is a fixed target: no progressive replay.
            estimate = OffPolicyEvaluator.Evaluate(log, runtime.Agent.Schema, scored, candidate.Lambda);
        }
        else
        {
            estimate = OffPolicyEvaluator.EvaluateLearner(log, runtime.Agent.Schema, candidate!);
        }
        return new EvaluateResponse(estimate.Count, estimate.LoggedMean, estimate.Ips, estimate.Snips, estimate.DoublyRobust, estimate.DirectMethod,
            estimate.EffectiveSampleSize, AgentValidation.Spec(candidate!));
    }

    /// <summary>
    /// The onnx candidate as a fixed target: the model scores every logged decision's candidates once (in waves that
    /// the version's batcher can merge), and the policy reads its ε-greedy probabilities from those scores.
    /// </summary>
    private async ValueTask<Result<IDecisionPolicy>> ScoredTargetAsync(AgentModelRef model, List<LoggedDecision> log, double epsilon, CancellationToken cancellationToken)
    {
        const int Wave = 256;
        var scores = new Dictionary<DecisionInput, double[]>(log.Count, ReferenceEqualityComparer.Instance);
        for (int start = 0; start < log.Count; start += Wave)
        {
            var wave = log.GetRange(start, Math.Min(Wave, log.Count - start));
            Result<double[]>[] scored = await Task.WhenAll(wave.Select(d => scorer.ScoreAsync(model, d.Input, cancellationToken).AsTask())).ConfigureAwait(false);
            for (int i = 0; i < wave.Count; i++)
            {
                if (!scored[i].TryGetValue(out double[]? row, out Error? error))
                {
                    return error;
                }
                scores[wave[i].Input] = row;
            }
        }
        return new ScoredTargetPolicy(input => scores[input], epsilon);
    }

    /// <summary>Gives the default reward to every loaded agent's decisions whose window has closed, and learns it.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (AgentRuntime runtime in Loaded)
        {
            Result<long> swept = await ExpireAsync(runtime, cancellationToken).ConfigureAwait(false);
            if (!swept.IsSuccess)
            {
                AgentLog.SweepFailed(logger, runtime.Tenant, runtime.Name, swept.Error.Message);
            }
        }
    }

    private async ValueTask<Result<long>> ExpireAsync(AgentRuntime runtime, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            Result<IReadOnlyList<AgentDecision>> expired = await storage.Agents.ExpireAsync(
                runtime.Tenant, runtime.Name, time.GetUtcNow() - runtime.Agent.Window, runtime.Agent.DefaultReward, 1000, cancellationToken).ConfigureAwait(false);
            if (!expired.TryGetValue(out IReadOnlyList<AgentDecision>? decisions, out Error? error))
            {
                return error;
            }
            foreach (AgentDecision decision in decisions)
            {
                runtime.Learn(decision, runtime.Agent.DefaultReward);
            }
            total += decisions.Count;
            if (decisions.Count > 0)
            {
                AgentLog.Defaulted(logger, runtime.Tenant, runtime.Name, decisions.Count);
            }
            if (decisions.Count < 1000)
            {
                return total;
            }
        }
    }

    private async ValueTask<Result<AgentRuntime>> RuntimeAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        if (AgentValidation.Name(name) is { } badName)
        {
            return badName;
        }
        AgentRuntime? loaded;
        lock (_loaded)
        {
            _loaded.TryGetValue((tenant, name), out loaded);
        }
        if (loaded is not null)
        {
            if (!loaded.ClaimCheck(time, Recheck))
            {
                return loaded;
            }
            Result<AgentRecord> current = await storage.Agents.GetAsync(tenant, name, cancellationToken).ConfigureAwait(false);
            // An unreadable store keeps the loaded agent serving; only a definition known to differ (or be gone) drops it.
            if ((current.IsSuccess && loaded.IsBuiltFrom(current.Value)) || (!current.IsSuccess && current.Error.Code != ErrorCode.NotFound))
            {
                return loaded;
            }
            lock (_loaded)
            {
                if (_loaded.TryGetValue((tenant, name), out AgentRuntime? same) && ReferenceEquals(same, loaded))
                {
                    _loaded.Remove((tenant, name));
                }
            }
        }
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_loaded)
            {
                if (_loaded.TryGetValue((tenant, name), out AgentRuntime? runtime))
                {
                    return runtime;
                }
            }
            Result<AgentRecord> stored = await storage.Agents.GetAsync(tenant, name, cancellationToken).ConfigureAwait(false);
            if (!stored.TryGetValue(out AgentRecord? record, out Error? error))
            {
                return error;
            }
            AgentDefinitionRequest? definition = JsonSerializer.Deserialize(record.Definition, AgentJsonContext.StoredDefinition);
            Result<CompiledAgent> compiled = AgentValidation.Definition(definition);
            if (!compiled.TryGetValue(out CompiledAgent? agent, out error))
            {
                return new Error(ErrorCode.DependencyUnavailable, $"the stored definition of agent '{name}' no longer validates: {error.Message}");
            }
            Result<AgentRuntime> built = await BuildAsync(record, agent, cancellationToken).ConfigureAwait(false);
            if (built.IsSuccess)
            {
                lock (_loaded)
                {
                    _loaded[(tenant, name)] = built.Value;
                }
            }
            return built;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>
    /// A runtime whose policy has learnt every rewarded active decision of the log, after closing overdue windows: the
    /// newest snapshot of this definition, then the decisions it has not learnt in log order (<see cref="AgentSnapshots"/>).
    /// </summary>
    private async ValueTask<Result<AgentRuntime>> BuildAsync(AgentRecord record, CompiledAgent agent, CancellationToken cancellationToken)
    {
        // Defaults first, without learning them here: the replay below reads them back in log order.
        Result<IReadOnlyList<AgentDecision>> expired;
        do
        {
            expired = await storage.Agents.ExpireAsync(record.Tenant, record.Name, time.GetUtcNow() - agent.Window, agent.DefaultReward, 1000, cancellationToken).ConfigureAwait(false);
            if (!expired.IsSuccess)
            {
                return expired.Error;
            }
        }
        while (expired.Value.Count == 1000);
        return await snapshots.LoadAsync(record, agent, cancellationToken).ConfigureAwait(false);
    }
}
