namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>
/// Deferred activation over real HTTP (Personalizer's deferActivation and Activate): a deferred decision is logged but
/// neither defaulted, learnt nor evaluated until it is activated; its reward window opens at the activation.
/// </summary>
public sealed class AgentsDeferredActivationTests : IAsyncLifetime
{
    private const string Key = SecureGateway.BootstrapKey;

    // A window of 0.3 s swept every 0.1 s: a default is due within half a second of the window opening.
    private static readonly string Quick = AgentsApiTests.Definition
        .Replace("600", "0.3", StringComparison.Ordinal).Replace("\"defaultReward\":0", "\"defaultReward\":0.1", StringComparison.Ordinal);

    private SecureGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Agents:SweepSeconds"] = "0.1" });
        foreach (var (name, definition) in new[] { ("npc", AgentsApiTests.Definition), ("quick", Quick) })
        {
            var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}", Key, definition);
            Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
        }
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task DeferredDecision_NoDefaultAfterTheWindow_ActivatedThenDefaultedAfterItsOwnWindow()
    {
        var (decide, decided) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/quick/decide", Key, """{"context":{"skill":0.5},"deferActivation":true}""");
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);
        Assert.False(decided!["active"]!.GetValue<bool>());
        string id = decided["decisionId"]!.GetValue<string>();

        // Four windows and a dozen sweeps later: still awaiting activation, never defaulted, nothing learnt.
        await Task.Delay(1200, Ct);
        var (_, waiting) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/quick", Key);
        using var activate = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/quick/decisions/{id}/activate", Key);
        JsonNode? agent = await PollAsync("quick", a => a["defaulted"]!.GetValue<long>() == 1 && a["policyVersion"]!.GetValue<long>() == 1);

        Assert.Equal((1L, 0L, 0L, 1L), (waiting!["decisions"]!.GetValue<long>(), waiting["defaulted"]!.GetValue<long>(),
            waiting["policyVersion"]!.GetValue<long>(), waiting["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.NoContent, activate.StatusCode);
        Assert.Equal((1L, 1L, 0L), (agent!["defaulted"]!.GetValue<long>(), agent["policyVersion"]!.GetValue<long>(), agent["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal(0.1, agent["meanReward"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task OrdinaryDecision_AnsweredActiveAndDefaultedAsBefore()
    {
        var (_, decided) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/quick/decide", Key, """{"context":{"skill":0.5}}""");

        JsonNode? agent = await PollAsync("quick", a => a["defaulted"]!.GetValue<long>() == 1);

        Assert.True(decided!["active"]!.GetValue<bool>());
        Assert.Equal((1L, 0L), (agent!["defaulted"]!.GetValue<long>(), agent["awaitingActivation"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Activate_TwiceUnknownAndAnotherAgentsOrTenantsId_204Then204And404s()
    {
        string id = await DecideAsync("npc", deferred: true);
        string ordinary = await DecideAsync("npc", deferred: false);
        string quickId = await DecideAsync("quick", deferred: true);
        string acme = await _gateway.CreateKeyAsync("acme", ["app"]);

        using var first = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{id}/activate", Key);
        using var again = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{id}/activate", Key);
        using var active = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{ordinary}/activate", Key);
        using var unknown = await _gateway.SendAsync(HttpMethod.Post, "/v1/agents/npc/decisions/ffffffffffffffffffffffffffffffff/activate", Key);
        using var otherAgent = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{quickId}/activate", Key);
        using var otherTenant = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{quickId}/activate", acme);
        using var noAgent = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/nobody/decisions/{id}/activate", Key);
        var (_, quick) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/quick", Key);

        Assert.Equal(
            [HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { first, again, active, unknown, otherAgent, otherTenant, noAgent }.Select(r => r.StatusCode));
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, quick!["awaitingActivation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Outcome_BeforeActivation_PendingNotLearntThenLearntWhenActivated()
    {
        string id = await DecideAsync("npc", deferred: true);

        var (_, pending) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":0.75}""");
        var (_, before) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        using var activate = await _gateway.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{id}/activate", Key);
        var (_, after) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        var (_, second) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":0}""");

        Assert.Equal(("pending", 1, 0), (pending!["results"]![0]!["state"]!.GetValue<string>(), pending["pending"]!.GetValue<int>(), pending["applied"]!.GetValue<int>()));
        Assert.Equal((0L, 0L, 1L), (before!["policyVersion"]!.GetValue<long>(), before["outcomes"]!.GetValue<long>(), before["awaitingActivation"]!.GetValue<long>()));
        Assert.Null(before["meanReward"]);
        Assert.Equal(HttpStatusCode.NoContent, activate.StatusCode);
        Assert.Equal((1L, 1L, 0L), (after!["policyVersion"]!.GetValue<long>(), after["outcomes"]!.GetValue<long>(), after["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal(0.75, after["meanReward"]!.GetValue<double>(), 9);
        Assert.Equal("duplicate", second!["results"]![0]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Activations_Batch_EachAnsweredInOrder()
    {
        string a = await DecideAsync("npc", deferred: true);
        string b = await DecideAsync("npc", deferred: false);

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/activations", Key,
            $$"""{"decisionIds":["{{a}}","{{a}}","{{b}}","ffffffffffffffffffffffffffffffff"]}""");
        var (empty, problem) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/activations", Key, """{"decisionIds":[]}""");
        var (typo, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/activations", Key, """{"decisionId":"x"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["activated", "alreadyActive", "alreadyActive", "unknown"], body!["results"]!.AsArray().Select(r => r!["state"]!.GetValue<string>()));
        Assert.Equal((1, 2, 1), (body["activated"]!.GetValue<int>(), body["alreadyActive"]!.GetValue<int>(), body["unknown"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains(problem!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "decisionIds");
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
    }

    [Fact]
    public async Task Evaluate_DeferredDecisionsWithPendingOutcomes_LeftOutUntilActivated()
    {
        var deferred = new List<string>();
        for (int i = 0; i < 12; i++)
        {
            string id = await DecideAsync("npc", deferred: i % 3 == 0);
            if (i % 3 == 0)
            {
                deferred.Add(id);
            }
            await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":1}""");
        }

        var (_, before) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/evaluate", Key, "{}");
        await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/activations", Key, $$"""{"decisionIds":[{{string.Join(",", deferred.Select(d => $"\"{d}\""))}}]}""");
        var (_, after) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/evaluate", Key, "{}");

        Assert.Equal(8, before!["decisions"]!.GetValue<int>());
        Assert.Equal(12, after!["decisions"]!.GetValue<int>());
    }

    private async Task<string> DecideAsync(string agent, bool deferred)
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{agent}/decide", Key,
            $$"""{"context":{"skill":0.5},"deferActivation":{{(deferred ? "true" : "false")}}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(!deferred, body!["active"]!.GetValue<bool>());
        return body["decisionId"]!.GetValue<string>();
    }

    /// <summary>The agent once <paramref name="done"/> holds (the sweep commits a default, then the policy learns it), or as it stands after 60 s.</summary>
    private async Task<JsonNode?> PollAsync(string agent, Func<JsonNode, bool> done)
    {
        JsonNode? read = null;
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100, Ct))
        {
            (_, read) = await _gateway.SendJsonAsync(HttpMethod.Get, $"/v1/agents/{agent}", Key);
            if (done(read!))
            {
                return read;
            }
        }
        return read;
    }
}
