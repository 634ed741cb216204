namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>
/// Multi-slot decide over real HTTP (Personalizer's multi-slot rank, VW's CCB): one distinct action per slot, decided in
/// order, each slot an ordinary decision of the log (outcomes, deferred activation, restarts, offline evaluation).
/// </summary>
public sealed class AgentsMultiSlotTests : IAsyncLifetime
{
    /// <summary>A shelf: the user's taste and the slot's features (hero, position) in, one of five items out.</summary>
    internal const string Shelf = """
        "contextFeatures":["taste","slot_hero","slot_position"],"actionFeatures":["appeal","niche"],
        "actions":[{"id":"a","features":{"appeal":0.9,"niche":0.1}},{"id":"b","features":{"appeal":0.7,"niche":0.3}},{"id":"c","features":{"appeal":0.5,"niche":0.5}},
                   {"id":"d","features":{"appeal":0.3,"niche":0.7}},{"id":"e","features":{"appeal":0.1,"niche":0.9}}]
        """;

    private const string ThreeSlots = """
        "slots":[{"id":"hero","features":{"slot_hero":1,"slot_position":0}},{"id":"shelf-1","features":{"slot_position":0.5}},{"id":"shelf-2","features":{"slot_position":1}}]
        """;

    private const string Key = SecureGateway.BootstrapKey;
    private SecureGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = SecureGateway.Start(settings: AgentsApprenticeTests.Unlimited());
        await PutAsync(_gateway, "shelf", Definition("""{"kind":"epsilon-greedy","epsilon":0.2,"seed":7}"""));
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    internal static string Definition(string policy, string rules = "[]", string extra = "") =>
        $$"""{{{Shelf}},"policy":{{policy}},"rules":{{rules}},"rewardWindowSeconds":600{{extra}}}""";

    [Theory]
    [InlineData("""{"kind":"random","seed":1}""")]
    [InlineData("""{"kind":"epsilon-greedy","epsilon":0.1,"model":"shared","seed":2}""")]
    [InlineData("""{"kind":"epsilon-greedy","epsilon":0.1,"model":"disjoint","seed":3}""")]
    [InlineData("""{"kind":"linucb","alpha":0.3,"epsilon":0.05,"model":"shared","seed":4}""")]
    [InlineData("""{"kind":"linucb","alpha":0.3,"model":"disjoint","seed":5}""")]
    public async Task Decide_Slots_OneDistinctActionPerSlotInOrderUnderEveryPolicyKind(string policy)
    {
        string name = $"kind-{Math.Abs(policy.GetHashCode(StringComparison.Ordinal)) % 100000}";
        await PutAsync(_gateway, name, Definition(policy));
        const string AllFive = """
            {"context":{"taste":0.3},"slots":[{"id":"s0"},{"id":"s1"},{"id":"s2"},{"id":"s3"},{"id":"s4"}]}
            """;

        for (int call = 0; call < 12; call++)
        {
            var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{name}/decide", Key, AllFive);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
            JsonArray slots = body!["slots"]!.AsArray();
            Assert.Equal(["s0", "s1", "s2", "s3", "s4"], slots.Select(s => s!["id"]!.GetValue<string>()));
            string[] chosen = [.. slots.Select(s => s!["actionId"]!.GetValue<string>())];
            Assert.True(chosen.Distinct().Count() == 5, $"{policy}: {string.Join(",", chosen)}");
            Assert.Equal(5, slots.Select(s => s!["decisionId"]!.GetValue<string>()).Distinct().Count());
            for (int s = 0; s < slots.Count; s++)
            {
                // A slot's candidates are those the earlier slots left: their choices are not eligible, and it has 5 − s.
                JsonArray ranking = slots[s]!["ranking"]!.AsArray();
                Assert.Equal(5 - s, ranking.Count(r => r!["eligible"]!.GetValue<bool>()));
                Assert.All(chosen.Take(s), taken => Assert.False(ranking.Single(r => r!["id"]!.GetValue<string>() == taken)!["eligible"]!.GetValue<bool>()));
                Assert.True(slots[s]!["probability"]!.GetValue<double>() > 0, body.ToJsonString());
            }
            Assert.Equal(1.0, slots[4]!["probability"]!.GetValue<double>(), 12);
        }
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, $"/v1/agents/{name}", Key);
        Assert.Equal(60, agent!["decisions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Decide_SlotExcludedActions_NeverChosenForThatSlotOnly()
    {
        const string Body = """
            {"context":{"taste":0.5},"excluded":["e"],"slots":[{"id":"hero","excludedActions":["a","b"]},{"id":"next"},{"id":"last","excludedActions":["c"]}]}
            """;
        var seen = new HashSet<string>();
        for (int call = 0; call < 20; call++)
        {
            var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/shelf/decide", Key, Body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            string[] chosen = [.. body!["slots"]!.AsArray().Select(s => s!["actionId"]!.GetValue<string>())];
            Assert.DoesNotContain(chosen[0], new[] { "a", "b", "e" });
            Assert.NotEqual("e", chosen[1]);
            Assert.DoesNotContain(chosen[2], new[] { "c", "e" });
            Assert.Equal(3, chosen.Distinct().Count());
            seen.Add(chosen[1]);
        }
        // The hero's exclusions are its own: the next slot still takes a or b.
        Assert.True(seen.Overlaps(["a", "b"]), string.Join(",", seen));
    }

    [Fact]
    public async Task Decide_RulesReadTheSlotsFeatures_FireAndExplainPerSlot()
    {
        await PutAsync(_gateway, "ruled", Definition("""{"kind":"random","seed":9}""",
            """[{"name":"hero-is-popular","when":"context.slot_hero == 1 and action.appeal < 0.6","effect":"forbid"}]"""));

        for (int call = 0; call < 10; call++)
        {
            var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/ruled/decide", Key,
                $$"""{"context":{"taste":0.5},"explain":true,{{ThreeSlots}}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            JsonArray slots = body!["slots"]!.AsArray();
            Assert.Contains(slots[0]!["actionId"]!.GetValue<string>(), new[] { "a", "b" });
            Assert.Equal(["c", "d", "e"], slots[0]!["explain"]!.AsArray().Select(f => f!["action"]!.GetValue<string>()).Order());
            Assert.All(slots[0]!["explain"]!.AsArray(), f => Assert.Equal(("hero-is-popular", "forbid"), (f!["rule"]!.GetValue<string>(), f["effect"]!.GetValue<string>())));
            // The shelf slots are not heroes: the rule holds for none of their actions.
            Assert.Empty(slots[1]!["explain"]!.AsArray());
            Assert.Empty(slots[2]!["explain"]!.AsArray());
        }
    }

    [Fact]
    public async Task Decide_SlotLeftWithoutCandidates_AnsweredUnfilledAndNotLogged()
    {
        await PutAsync(_gateway, "narrow", Definition("""{"kind":"random","seed":2}""",
            """[{"name":"no-niche-hero","when":"context.slot_hero == 1 and action.niche > 0.2","effect":"forbid"}]"""));

        // The hero may take only a; the first slot takes a, so the hero has nothing left. The last slot excludes everything else.
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/narrow/decide", Key, """
            {"context":{"taste":0.5},"explain":true,"actions":[{"id":"a"},{"id":"c"},{"id":"e"}],
             "slots":[{"id":"first","excludedActions":["c","e"]},{"id":"hero","features":{"slot_hero":1}},{"id":"last"}]}
            """);
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/narrow", Key);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        JsonArray slots = body!["slots"]!.AsArray();
        Assert.Equal("a", slots[0]!["actionId"]!.GetValue<string>());
        Assert.Null(slots[1]!["actionId"]);
        Assert.Null(slots[1]!["decisionId"]);
        Assert.Equal(0, slots[1]!["probability"]!.GetValue<double>());
        Assert.All(slots[1]!["ranking"]!.AsArray(), r => Assert.False(r!["eligible"]!.GetValue<bool>()));
        Assert.Equal(["c", "e"], slots[1]!["explain"]!.AsArray().Select(f => f!["action"]!.GetValue<string>()).Order());
        Assert.Contains(slots[2]!["actionId"]!.GetValue<string>(), new[] { "c", "e" });
        Assert.Equal(2, agent!["decisions"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("""{"context":{"taste":0.5},"slots":[]}""", "slots")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"4"},{"id":"5"},{"id":"6"}]}""", "slots")]
    [InlineData("""{"context":{"taste":0.5},"actions":[{"id":"a"},{"id":"b"}],"slots":[{"id":"1"},{"id":"2"},{"id":"3"}]}""", "slots")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"features":{"slot_hero":1}}]}""", "slots[0].id")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"x"},{"id":"x"}]}""", "slots[1].id")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"x","features":{"size":2}}]}""", "slots[0].features.size")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"x"},{"id":"y","excludedActions":["a","zzz"]}]}""", "slots[1].excludedActions[1]")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"x","baselineAction":"zzz"}]}""", "slots[0].baselineAction")]
    [InlineData("""{"context":{"taste":0.5},"slots":[{"id":"x","baselineAction":"a"}]}""", "slots[0].baselineAction")]
    [InlineData("""{"context":{"taste":0.5,"nope":1},"slots":[{"id":"x"}]}""", "context.nope")]
    public async Task Decide_BadSlotField_400NamingItAndNothingStored(string request, string field)
    {
        string name = $"bad-{Math.Abs(request.GetHashCode(StringComparison.Ordinal)) % 100000}";
        await PutAsync(_gateway, name, Definition("""{"kind":"random"}"""));

        var (response, problem) = await _gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{name}/decide", Key, request);
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, $"/v1/agents/{name}", Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem!["errors"]!.AsArray().Any(e => e!["field"]!.GetValue<string>() == field), $"{request}: {problem.ToJsonString()}");
        Assert.Equal(0, agent!["decisions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Decide_UnknownSlotMember_400AndNothingStored()
    {
        await PutAsync(_gateway, "typo", Definition("""{"kind":"random"}"""));

        var (response, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/typo/decide", Key, """{"context":{"taste":0.5},"slots":[{"id":"x","slotId":"y"}]}""");
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/typo", Key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, agent!["decisions"]!.GetValue<long>());
    }

    [Fact]
    public async Task Outcomes_PerSlotDecision_EachAppliedAndLearnt()
    {
        await PutAsync(_gateway, "rewarded", Definition("""{"kind":"epsilon-greedy","epsilon":0.2,"seed":4}"""));
        var (_, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/rewarded/decide", Key, $$"""{"context":{"taste":0.5},{{ThreeSlots}}}""");
        string[] ids = [.. body!["slots"]!.AsArray().Select(s => s!["decisionId"]!.GetValue<string>())];

        var (response, outcomes) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/rewarded/outcomes", Key,
            $$"""{"outcomes":[{"decisionId":"{{ids[0]}}","reward":1},{"decisionId":"{{ids[1]}}","reward":0},{"decisionId":"{{ids[2]}}","reward":0.5}]}""");
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/rewarded", Key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, outcomes!["applied"]!.GetValue<int>());
        Assert.Equal((3L, 3L, 3L), (agent!["decisions"]!.GetValue<long>(), agent["outcomes"]!.GetValue<long>(), agent["policyVersion"]!.GetValue<long>()));
        Assert.Equal(0.5, agent["meanReward"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task Decide_SlotsDeferred_EachSlotAwaitsItsOwnActivation()
    {
        await PutAsync(_gateway, "deferred", Definition("""{"kind":"random","seed":6}"""));
        var (_, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/deferred/decide", Key,
            $$"""{"context":{"taste":0.5},"deferActivation":true,{{ThreeSlots}}}""");
        string[] ids = [.. body!["slots"]!.AsArray().Select(s => s!["decisionId"]!.GetValue<string>())];

        var (_, waiting) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/deferred", Key);
        var (_, pending) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/deferred/outcomes", Key, $$"""{"decisionId":"{{ids[0]}}","reward":1}""");
        var (_, activated) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/deferred/activations", Key, $$"""{"decisionIds":["{{ids[0]}}","{{ids[1]}}"]}""");
        var (_, after) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/deferred", Key);

        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Equal((3L, 3L), (waiting!["decisions"]!.GetValue<long>(), waiting["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal("pending", pending!["results"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(2, activated!["activated"]!.GetValue<int>());
        // The first slot's pending reward is learnt at its activation; the third slot still awaits its own.
        Assert.Equal((1L, 1L, 1L), (after!["awaitingActivation"]!.GetValue<long>(), after["outcomes"]!.GetValue<long>(), after["policyVersion"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Evaluate_MultiSlotDecisions_EachRewardedSlotIsOneLoggedDecision()
    {
        await PutAsync(_gateway, "evaluated", Definition("""{"kind":"epsilon-greedy","epsilon":0.3,"seed":8}"""));
        for (int call = 0; call < 8; call++)
        {
            var (_, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/evaluated/decide", Key, $$"""{"context":{"taste":0.5},{{ThreeSlots}}}""");
            // Two of three slots rewarded: the third awaits its window.
            string items = string.Join(",", body!["slots"]!.AsArray().Take(2).Select(s =>
                $$"""{"decisionId":"{{s!["decisionId"]}}","reward":{{(s["actionId"]!.GetValue<string>() == "a" ? 1 : 0)}}}"""));
            await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/evaluated/outcomes", Key, $$"""{"outcomes":[{{items}}]}""");
        }

        var (response, estimate) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/evaluated/evaluate", Key, """{"policy":{"kind":"random"}}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, estimate?.ToJsonString());
        Assert.Equal(16, estimate!["decisions"]!.GetValue<int>());
        Assert.True(double.IsFinite(estimate["ips"]!.GetValue<double>()), estimate.ToJsonString());
    }

    [Fact]
    public async Task Decide_ApprenticeSlots_EachSlotFollowsItsBaselineUnlessTaken()
    {
        await PutAsync(_gateway, "apprentice", Definition("""{"kind":"epsilon-greedy","epsilon":0.1,"seed":5}""", extra: ""","apprentice":{"window":100}"""));

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/apprentice/decide", Key, """
            {"context":{"taste":0.5},"slots":[{"id":"hero","baselineAction":"a"},{"id":"next","baselineAction":"d"}]}
            """);
        var (missing, problem) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/apprentice/decide", Key, """
            {"context":{"taste":0.5},"slots":[{"id":"hero","baselineAction":"a"},{"id":"next"}]}
            """);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        JsonArray slots = body!["slots"]!.AsArray();
        // The baseline's share: 1 − ε + ε/k over the slot's k eligible actions (5, then 4).
        JsonNode hero = slots[0]!["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "a")!;
        Assert.Equal(0.9 + (0.1 / 5), hero["probability"]!.GetValue<double>(), 9);
        JsonNode next = slots[1]!["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "d")!;
        Assert.Equal(slots[0]!["actionId"]!.GetValue<string>() == "d" ? 0 : 0.9 + (0.1 / 4), next["probability"]!.GetValue<double>(), 9);
        Assert.NotEqual(slots[0]!["actionId"]!.GetValue<string>(), slots[1]!["actionId"]!.GetValue<string>());
        // A slot with no baseline of its own, the request's or the definition's, is refused like a single decision.
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains(problem!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "baseline");
    }

    [Fact]
    public async Task Restart_SlotDecisionsReplayedAndStillTakeOutcomes()
    {
        string folder = Directory.CreateTempSubdirectory("maas-slots-").FullName;
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = Path.Combine(folder, "maas.db") };
        string[] pending;
        JsonNode? before;
        await using (var first = SecureGateway.Start(settings: settings))
        {
            await PutAsync(first, "shelf", Definition("""{"kind":"linucb","alpha":0.3,"epsilon":0.05,"seed":3}"""));
            for (int call = 0; call < 5; call++)
            {
                var (_, decided) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/shelf/decide", Key, $$"""{"context":{"taste":0.2},{{ThreeSlots}}}""");
                string items = string.Join(",", decided!["slots"]!.AsArray().Select(s => $$"""{"decisionId":"{{s!["decisionId"]}}","reward":1}"""));
                await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/shelf/outcomes", Key, $$"""{"outcomes":[{{items}}]}""");
            }
            var (_, last) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/shelf/decide", Key, $$"""{"context":{"taste":0.2},{{ThreeSlots}}}""");
            pending = [.. last!["slots"]!.AsArray().Select(s => s!["decisionId"]!.GetValue<string>())];
            (_, before) = await first.SendJsonAsync(HttpMethod.Get, "/v1/agents/shelf", Key);
        }

        await using var second = SecureGateway.Start(settings: settings);
        var (_, after) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/shelf", Key);
        var (_, outcome) = await second.SendJsonAsync(HttpMethod.Post, "/v1/agents/shelf/outcomes", Key,
            $$"""{"outcomes":[{{string.Join(",", pending.Select(id => $$"""{"decisionId":"{{id}}","reward":0}"""))}}]}""");
        var (_, agent) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/shelf", Key);

        Assert.Equal((18L, 15L, 15L), (before!["decisions"]!.GetValue<long>(), before["outcomes"]!.GetValue<long>(), before["policyVersion"]!.GetValue<long>()));
        Assert.Equal((18L, 15L, 15L), (after!["decisions"]!.GetValue<long>(), after["outcomes"]!.GetValue<long>(), after["policyVersion"]!.GetValue<long>()));
        Assert.Equal(3, outcome!["applied"]!.GetValue<int>());
        Assert.Equal(18, agent!["policyVersion"]!.GetValue<long>());
    }

    private static async Task PutAsync(SecureGateway gateway, string name, string definition)
    {
        var (put, body) = await gateway.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}", Key, definition);
        Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
    }
}
