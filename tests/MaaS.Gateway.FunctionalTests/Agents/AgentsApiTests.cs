namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>The agent endpoints over real HTTP: define, read, decide through rules, outcomes of every kind, evaluate, tenancy.</summary>
public sealed class AgentsApiTests : IAsyncLifetime
{
    /// <summary>The game the agent tests play, as definition fields: the player's skill in, one of three difficulties out.</summary>
    internal const string Game = """
        "contextFeatures":["skill"],"actionFeatures":["difficulty"],
        "actions":[{"id":"easy","features":{"difficulty":0.2}},{"id":"normal","features":{"difficulty":0.5}},{"id":"hard","features":{"difficulty":0.9}}]
        """;

    internal const string Definition = $$"""
        {{{Game}},
         "policy":{"kind":"epsilon-greedy","epsilon":0.2,"seed":7},
         "rules":[{"name":"no-hard-for-novices","when":"context.skill < 0.3 and action.difficulty >= 0.7","effect":"forbid"}],
         "rewardWindowSeconds":600,"defaultReward":0}
        """;

    private SecureGateway _gateway = null!;
    private const string Key = SecureGateway.BootstrapKey;

    public async ValueTask InitializeAsync()
    {
        _gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Agents:SweepSeconds"] = "0.1" });
        var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, Definition);
        Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Put_NewAgent_201WithTheAgentsUrlInLocation()
    {
        var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/fresh", Key, Definition);
        var (get, read) = await _gateway.SendJsonAsync(HttpMethod.Get, put.Headers.Location!.OriginalString, Key);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/v1/agents/fresh", put.Headers.Location.OriginalString);
        Assert.Equal(1, body!["version"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("fresh", read!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_Twice_VersionGrowsAndGetShowsTheDefinitionWithDefaults()
    {
        var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, Definition);
        var (get, read) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(2, body!["version"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("shared", read!["definition"]!["policy"]!["model"]!.GetValue<string>());
        Assert.Equal(1.0, read["definition"]!["policy"]!["lambda"]!.GetValue<double>());
        Assert.Equal(0, read["decisions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Decide_NoviceContext_NeverChoosesTheForbiddenActionAndExplainsWhy()
    {
        for (int i = 0; i < 20; i++)
        {
            var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.1},"explain":true}""");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual("hard", body!["action"]!.GetValue<string>());
            var hard = body["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "hard")!;
            Assert.Equal((0.0, false), (hard["probability"]!.GetValue<double>(), hard["eligible"]!.GetValue<bool>()));
            Assert.Equal(1.0, body["ranking"]!.AsArray().Sum(r => r!["probability"]!.GetValue<double>()), 9);
            var fired = Assert.Single(body["explain"]!.AsArray());
            Assert.Equal(("no-hard-for-novices", "hard", "forbid"), (fired!["rule"]!.GetValue<string>(), fired["action"]!.GetValue<string>(), fired["effect"]!.GetValue<string>()));
            Assert.Matches("^[0-9a-f]{32}$", body["decisionId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Outcome_Applied_IsLearntBeforeTheNextDecision()
    {
        string id = await DecideAsync();

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":1}""");
        var (_, next) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("applied", body!["results"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(1, next!["policyVersion"]!.GetValue<long>());
        Assert.Equal((2L, 1L, 1L), (agent!["decisions"]!.GetValue<long>(), agent["outcomes"]!.GetValue<long>(), agent["policyVersion"]!.GetValue<long>()));
        Assert.Equal(1.0, agent["meanReward"]!.GetValue<double>());
    }

    [Fact]
    public async Task Outcomes_BatchWithDuplicateAndUnknown_EachAnsweredFirstRewardStands()
    {
        string a = await DecideAsync();
        string b = await DecideAsync();

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key,
            $$"""{"outcomes":[{"decisionId":"{{a}}","reward":1},{"decisionId":"{{a}}","reward":0},{"decisionId":"ffffffffffffffffffffffffffffffff","reward":1},{"decisionId":"{{b}}","reward":0.5}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["applied", "duplicate", "unknown", "applied"], body!["results"]!.AsArray().Select(r => r!["state"]!.GetValue<string>()));
        Assert.Equal((2, 1, 0, 1), (body["applied"]!.GetValue<int>(), body["duplicate"]!.GetValue<int>(), body["late"]!.GetValue<int>(), body["unknown"]!.GetValue<int>()));
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        Assert.Equal(0.75, agent!["meanReward"]!.GetValue<double>(), 9);
    }

    [Theory]
    [InlineData("""{"decisionId":"ID","reward":NaN}""")]
    [InlineData("""{"decisionId":"ID","reward":"NaN"}""")]
    [InlineData("""{"decisionId":"ID","reward":1e400}""")]
    [InlineData("""{"decisionId":"ID"}""")]
    [InlineData("""{"outcomes":[{"decisionId":"ID","reward":1},{"decisionId":"ID","reward":"Infinity"}]}""")]
    public async Task Outcomes_NonFiniteOrMissingReward_400AndNothingStored(string template)
    {
        string id = await DecideAsync();

        using var bad = await _gateway.SendAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, template.Replace("ID", id, StringComparison.Ordinal));
        var (good, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":0.25}""");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal("applied", body!["results"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Outcome_AfterTheRewardWindow_DefaultGivenBySweepAndLateOutcomeKept()
    {
        var (put, _) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/quick", Key, Definition.Replace("600", "0.3", StringComparison.Ordinal).Replace("\"defaultReward\":0", "\"defaultReward\":0.1", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var (_, decided) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/quick/decide", Key, """{"context":{"skill":0.5}}""");
        string id = decided!["decisionId"]!.GetValue<string>();

        JsonNode? agent = null;
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100, Ct))
        {
            (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/quick", Key);
            // The sweep commits the default reward, then the policy learns it: a read between the two sees the first only.
            if (agent!["defaulted"]!.GetValue<long>() == 1 && agent["policyVersion"]!.GetValue<long>() == 1)
            {
                break;
            }
        }
        var (late, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/quick/outcomes", Key, $$"""{"decisionId":"{{id}}","reward":1}""");

        Assert.Equal(1, agent!["defaulted"]!.GetValue<long>());
        Assert.Equal(1, agent["policyVersion"]!.GetValue<long>());
        Assert.Equal(0.1, agent["meanReward"]!.GetValue<double>(), 9);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("late", body!["results"]![0]!["state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"boss"}]}""", "actions[0].id")]
    [InlineData("""{"context":{"skill":0.5},"excluded":["boss"]}""", "excluded[0]")]
    [InlineData("""{"context":{"strength":0.5}}""", "context.strength")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"difficulty":1e400}}]}""", "")]
    [InlineData("""{"context":{"skill":0.5},"actions":[]}""", "actions")]
    public async Task Decide_ActionOutsideTheSetOrBadFeature_400NamingTheField(string json, string field)
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (field.Length > 0)
        {
            Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
        }
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        Assert.Equal(0, agent!["decisions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Decide_EverythingExcludedOrForbidden_409()
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.1},"excluded":["easy","normal"]}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("nothing to choose", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_BadRuleAndPolicy_400ListingEveryProblem()
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/broken", Key,
            """{"contextFeatures":["skill"],"actions":[{"id":"a"}],"policy":{"kind":"linucb","epsilon":2},"rules":[{"name":"r","when":"context.nope > 1","effect":"forbid"}]}""");
        var (get, _) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/broken", Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "policy.epsilon");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);

        var (rule, ruleBody) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/broken", Key,
            """{"contextFeatures":["skill"],"actions":[{"id":"a"}],"rules":[{"name":"r","when":"context.nope > 1","effect":"forbid"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, rule.StatusCode);
        Assert.Contains(ruleBody!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "rules[0].when");
    }

    [Fact]
    public async Task Agents_OtherTenant_404AndAppKeyCannotDefine()
    {
        string acme = await _gateway.CreateKeyAsync("acme", ["app"]);

        var (get, _) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", acme);
        var (decide, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", acme, """{"context":{"skill":0.5}}""");
        var (put, _) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", acme, Definition);
        var (anonymous, _) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", null);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, decide.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Evaluate_LoggedDecisions_EstimatesBesideTheLoggedMean()
    {
        for (int i = 0; i < 40; i++)
        {
            var (_, decided) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
            double reward = decided!["action"]!.GetValue<string>() == "normal" ? 1 : 0;
            await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{decided["decisionId"]}}","reward":{{reward}}}""");
        }

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/evaluate", Key, """{"policy":{"kind":"random"}}""");
        var (bad, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/evaluate", Key, """{"policy":{"kind":"oracle"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(40, body!["decisions"]!.GetValue<int>());
        Assert.Equal("random", body["candidate"]!["kind"]!.GetValue<string>());
        foreach (string estimate in new[] { "ips", "snips", "doublyRobust", "directMethod", "loggedMean" })
        {
            Assert.InRange(body[estimate]!.GetValue<double>(), -0.5, 1.5);
        }
        Assert.InRange(body["effectiveSampleSize"]!.GetValue<double>(), 1, 40);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Unknown_Agent_404()
    {
        var (get, body) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/nobody", Key);
        var (outcome, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/nobody/outcomes", Key, """{"decisionId":"abc","reward":1}""");
        var (badName, _) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/No%20Body", Key);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(body);
        Assert.Equal(HttpStatusCode.NotFound, outcome.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
    }

    private async Task<string> DecideAsync()
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body!["decisionId"]!.GetValue<string>();
    }
}
