namespace MaaS.Gateway.Endpoints.V1;

/// <summary>Decision agents (<c>/v1/agents/{name}</c>): define (admin), read, decide, report outcomes, evaluate offline (admin).</summary>
internal static class AgentsEndpoints
{
    private const string DefinitionExample = """
        {"contextFeatures":["skill_signal","skill_signal_sq","hour","mobile"],"actionFeatures":["difficulty","difficulty_sq"],
        "actions":[{"id":"easy","features":{"difficulty":0.3,"difficulty_sq":0.09}},{"id":"normal","features":{"difficulty":0.5,"difficulty_sq":0.25}},{"id":"hard","features":{"difficulty":0.7,"difficulty_sq":0.49}}],
        "policy":{"kind":"linucb","epsilon":0.05,"alpha":0.3,"model":"shared"},
        "rules":[{"name":"no-hard-for-novices","when":"context.skill_signal < 0.3 and action.difficulty >= 0.7","effect":"forbid"}],
        "rewardWindowSeconds":60,"defaultReward":0}
        """;

    public static IEndpointRouteBuilder MapAgentsV1(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/v1/agents/{name}").WithTags(ApiTags.Agents).WithParameterExample("name", "difficulty");
        // PUT first: the document lists it before GET, so a reader trying the examples in order defines the agent first.
        agents.MapPut("", PutAsync)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V1PutAgent")
            .WithRequestExample(DefinitionExample)
            .WithSummary("Defines (or redefines) an agent: features, actions, policy (random, epsilon-greedy, linucb; shared or disjoint ridge model), rules, reward window, default reward.")
            .WithDescription("Rules are conditions over context.NAME, action.NAME and action.id with < <= > >= == !=, and, or, not; forbid removes an action, allow exempts it from forbid, force keeps only the forced ones. A redefinition builds a new policy that relearns the whole decision log.");
        agents.MapGet("", GetAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1GetAgent")
            .WithSummary("An agent: its definition, policy version (rewards learnt), decisions, outcomes, defaults and mean reward per hour.");
        agents.MapPost("/decide", DecideAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1Decide")
            .WithRequestExample("""{"context":{"skill_signal":0.2,"skill_signal_sq":0.04,"hour":0.5,"mobile":1},"explain":true}""")
            .WithSummary("Chooses an action for a context: rules first, then the policy; returns the decision id, the action, its probability and the ranking.")
            .WithDescription("actions (optional) narrows the candidates and may override their features; an id outside the agent's action set is a 400. excluded removes candidates for this decision. 409 when rules and exclusions leave nothing. slots (multi-slot rank) answers one distinct action per slot instead, decided in order, each slot with its own features (context features of the agent), excludedActions and baselineAction, and its own decisionId; a slot left with no candidate answers no action.");
        agents.MapPost("/outcomes", OutcomesAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1AgentOutcomes")
            .WithRequestExample("""{"decisionId":"0192f5c2a1b27c3e9d4f5a6b7c8d9e0f","reward":1}""")
            .WithSummary("Reports rewards: one (decisionId, reward) or a batch (outcomes); each is learnt as soon as it is stored.")
            .WithDescription("Each outcome is answered: applied, duplicate (the first stands), late (after the reward window: the default reward stands, the late reward is kept) or unknown. A non-finite reward is a 400 and nothing of the batch is stored.");
        agents.MapPost("/decisions/{decisionId}/activate", ActivateAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1ActivateDecision")
            .WithParameterExample("decisionId", "0192f5c2a1b27c3e9d4f5a6b7c8d9e0f")
            .WithSummary("Activates a decision made with deferActivation (the user now sees it): 204, again 204; its reward window opens now, and an outcome reported before is learnt.");
        agents.MapPost("/activations", ActivationsAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1ActivateDecisions")
            .WithRequestExample("""{"decisionIds":["0192f5c2a1b27c3e9d4f5a6b7c8d9e0f"]}""")
            .WithSummary("Activates a batch of deferred decisions in one transaction; each is answered activated, alreadyActive or unknown.");
        agents.MapPost("/evaluate", EvaluateAsync)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V1EvaluateAgent")
            .WithRequestExample("""{"policy":{"kind":"epsilon-greedy","epsilon":0.1}}""")
            .WithSummary("Offline evaluation of a candidate policy setting over the logged decisions: IPS, SNIPS, doubly robust, beside the logged mean reward.");
        agents.MapDelete("", DeleteAsync)
            .RequireAuthorization(MaaSPolicies.Admin)
            .WithName("V1DeleteAgent")
            .WithSummary("Deletes an agent with its decision log, durably: then GET and decide answer 404 (other replicas within a second), and the name can be defined again from scratch.");
        // A group of its own, made after the one above: the document lists it after the PUT, whose agent the example's 'after' names.
        app.MapGroup("/v1/agents").WithTags(ApiTags.Agents).MapGet("", ListAsync)
            .RequireAuthorization(MaaSPolicies.App)
            .WithName("V1ListAgents")
            .WithParameterExample("after", "difficulty")
            .WithPaging(Paged.By("by name (ordinal)", "name"))
            .WithSummary("The tenant's agents, a page at a time: each one's definition and version (GET the agent for its decisions and rewards).");
        return app;
    }

    private static async Task<Results<RecommendationJson<IReadOnlyList<AgentSummary>>, ApiProblem<ListErrors>>> ListAsync(
        [System.ComponentModel.DataAnnotations.Range(1, PageRequest.MaxLimit)] int? limit, string? after, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        var listed = await PageRequest.Create(limit, after).ThenAsync(page => agents.ListAsync(http.GetTenant(), page, cancellationToken));
        return listed.TryGetValue(out var page, out var error)
            ? new RecommendationJson<IReadOnlyList<AgentSummary>>(Paged.Items(http, page), AgentsJsonContext.Default.IReadOnlyListAgentSummary)
            : new ApiProblem<ListErrors>(error);
    }

    private static async Task<Results<NoContent, ApiProblem<RecordErrors>>> DeleteAsync(string name, HttpContext http, AgentService agents, CancellationToken cancellationToken) =>
        (await agents.DeleteAsync(http.GetTenant(), name, cancellationToken)).TryGetValue(out _, out var error) ? TypedResults.NoContent() : new ApiProblem<RecordErrors>(error);

    /// <summary>RFC 9110: a PUT that creates the agent is 201 with its URL in Location, one that replaces its definition 200.</summary>
    private static async Task<Results<RecommendationCreated<AgentResponse>, RecommendationJson<AgentResponse>, ApiProblem<BodyErrors>>> PutAsync(
        string name, Body<RecommendationBody<AgentDefinitionRequest>> body, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        if (!(await body.Result.ThenAsync(request => agents.PutAsync(http.GetTenant(), name, request.Value, cancellationToken))).TryGetValue(out var put, out var error))
        {
            return new ApiProblem<BodyErrors>(error);
        }
        return put.Created
            ? new RecommendationCreated<AgentResponse>($"/v1/agents/{Uri.EscapeDataString(name)}", put.Agent, AgentsJsonContext.Default.AgentResponse)
            : new RecommendationJson<AgentResponse>(put.Agent, AgentsJsonContext.Default.AgentResponse);
    }

    private static async Task<Results<RecommendationJson<AgentResponse>, ApiProblem<RecordErrors>>> GetAsync(
        string name, HttpContext http, AgentService agents, CancellationToken cancellationToken) =>
        RecommendationJson.OkOrProblem<AgentResponse, RecordErrors>(
            await agents.GetAsync(http.GetTenant(), name, cancellationToken), AgentsJsonContext.Default.AgentResponse);

    private static async Task<Results<RecommendationJson<DecideAnswer>, ApiProblem<AgentPolicyErrors>>> DecideAsync(
        string name, Body<BufferedJsonBody<DecideRequest>> body, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        // The usual request, for an agent that exists, is read straight from its bytes; anything else is bound and validated.
        var outcome = await body.Result.ThenAsync(raw => agents.DecideAsync(http.GetTenant(), name, raw.Json, raw.ReaderOptions, raw, static b => b.Bind(), cancellationToken));
        return RecommendationJson.OkOrProblem<DecideAnswer, AgentPolicyErrors>(outcome, AgentsJsonContext.Default.DecideAnswer);
    }

    private static async Task<Results<RecommendationJson<OutcomeResponse>, ApiProblem<AgentOutcomeErrors>>> OutcomesAsync(
        string name, Body<RecommendationBody<OutcomeRequest>> body, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => agents.OutcomesAsync(http.GetTenant(), name, request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<OutcomeResponse, AgentOutcomeErrors>(outcome, AgentsJsonContext.Default.OutcomeResponse);
    }

    private static async Task<Results<NoContent, ApiProblem<RecordErrors>>> ActivateAsync(
        string name, string decisionId, HttpContext http, AgentService agents, CancellationToken cancellationToken) =>
        (await agents.ActivateAsync(http.GetTenant(), name, decisionId, cancellationToken)).TryGetValue(out _, out var error)
            ? TypedResults.NoContent() : new ApiProblem<RecordErrors>(error);

    private static async Task<Results<RecommendationJson<ActivationResponse>, ApiProblem<AgentOutcomeErrors>>> ActivationsAsync(
        string name, Body<RecommendationBody<ActivationRequest>> body, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => agents.ActivateAsync(http.GetTenant(), name, request.Value, cancellationToken));
        return RecommendationJson.OkOrProblem<ActivationResponse, AgentOutcomeErrors>(outcome, AgentsJsonContext.Default.ActivationResponse);
    }

    private static async Task<Results<RecommendationJson<EvaluateResponse>, ApiProblem<AgentPolicyErrors>>> EvaluateAsync(
        string name, Body<RecommendationBody<EvaluateRequest>> body, HttpContext http, AgentService agents, CancellationToken cancellationToken)
    {
        var outcome = await body.Result.ThenAsync(request => agents.EvaluateAsync(http.GetTenant(), name, request.Value ?? new EvaluateRequest(null, null), cancellationToken));
        return RecommendationJson.OkOrProblem<EvaluateResponse, AgentPolicyErrors>(outcome, AgentsJsonContext.Default.EvaluateResponse);
    }
}
