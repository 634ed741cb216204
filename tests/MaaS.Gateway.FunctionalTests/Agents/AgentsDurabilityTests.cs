namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>The decision log is the policy's memory: a gateway restarted on the same file rebuilds the policy from it.</summary>
public sealed class AgentsDurabilityTests
{
    [Fact]
    public async Task Restart_SameSqliteFile_PolicyRebuiltAndOldDecisionsStillTakeOutcomes()
    {
        string folder = Directory.CreateTempSubdirectory("maas-agents-").FullName;
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = Path.Combine(folder, "maas.db") };
        const string Key = SecureGateway.BootstrapKey;
        string pending;
        JsonNode? before;
        JsonNode? last;
        await using (var first = SecureGateway.Start(settings: settings))
        {
            var (put, _) = await first.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            for (int i = 0; i < 30; i++)
            {
                var (_, decided) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
                double reward = decided!["action"]!.GetValue<string>() == "normal" ? 1 : 0;
                await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{decided["decisionId"]}}","reward":{{reward}}}""");
            }
            (_, last) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
            pending = last!["decisionId"]!.GetValue<string>();
            (_, before) = await first.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        }

        await using var second = SecureGateway.Start(settings: settings);
        var (_, after) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        var (_, rebuilt) = await second.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        var (outcome, body) = await second.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{pending}}","reward":1}""");
        var (_, agent) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);

        Assert.Equal(30, before!["policyVersion"]!.GetValue<long>());
        Assert.Equal(30, after!["policyVersion"]!.GetValue<long>());
        Assert.Equal((31L, 30L), (after["decisions"]!.GetValue<long>(), after["outcomes"]!.GetValue<long>()));
        Assert.Equal(before["meanReward"]!.GetValue<double>(), after["meanReward"]!.GetValue<double>(), 12);
        Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);
        Assert.Equal("applied", body!["results"]![0]!["state"]!.GetValue<string>());
        Assert.Equal(31, agent!["policyVersion"]!.GetValue<long>());
        // The replayed policy scores every action exactly as the one that learnt them live.
        Assert.Equal(Scores(last), Scores(rebuilt!));
    }

    [Fact]
    public async Task Restart_DeferredDecisionActivatedAfterIt_ItsPendingOutcomeIsLearnt()
    {
        string folder = Directory.CreateTempSubdirectory("maas-agents-").FullName;
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = Path.Combine(folder, "maas.db") };
        const string Key = SecureGateway.BootstrapKey;
        string deferred;
        await using (var first = SecureGateway.Start(settings: settings))
        {
            var (put, _) = await first.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            var (_, decided) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5},"deferActivation":true}""");
            deferred = decided!["decisionId"]!.GetValue<string>();
            var (_, pending) = await first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{deferred}}","reward":1}""");
            Assert.Equal("pending", pending!["results"]![0]!["state"]!.GetValue<string>());
        }

        JsonNode? loaded, activated;
        HttpStatusCode status;
        await using (var second = SecureGateway.Start(settings: settings))
        {
            (_, loaded) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
            using var activate = await second.SendAsync(HttpMethod.Post, $"/v1/agents/npc/decisions/{deferred}/activate", Key);
            status = activate.StatusCode;
            (_, activated) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        }
        await using var third = SecureGateway.Start(settings: settings);
        var (_, replayed) = await third.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);

        Assert.Equal((0L, 1L), (loaded!["policyVersion"]!.GetValue<long>(), loaded["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal((1L, 1L, 0L), (activated!["policyVersion"]!.GetValue<long>(), activated["outcomes"]!.GetValue<long>(), activated["awaitingActivation"]!.GetValue<long>()));
        Assert.Equal((1L, 1.0), (replayed!["policyVersion"]!.GetValue<long>(), replayed["meanReward"]!.GetValue<double>()));
    }

    [Fact]
    public async Task ConcurrentDecisions_AllDurableBeforeTheirAnswer_EachReadableAfterRestart()
    {
        // 64 decisions at once share the SQLite writer's group commits; each one answered 200 must be in the log,
        // which the restarted gateway proves by counting them and applying an outcome to every one of them.
        const int Decisions = 64;
        string folder = Directory.CreateTempSubdirectory("maas-agents-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = Path.Combine(folder, "maas.db"),
            // A key's default 32 requests in flight would answer half of 64 simultaneous calls 429: this is about the log.
            ["Auth:RateLimits:MaxConcurrentRequests"] = "64",
        };
        const string Key = SecureGateway.BootstrapKey;
        string[] ids;
        await using (var first = SecureGateway.Start(settings: settings))
        {
            var (put, _) = await first.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            var decided = await Task.WhenAll(Enumerable.Range(0, Decisions).Select(i =>
                first.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, $$$"""{"context":{"skill":0.{{{i % 10}}}}}""")));
            Assert.All(decided, d => Assert.Equal(HttpStatusCode.OK, d.Response.StatusCode));
            ids = [.. decided.Select(d => d.Body!["decisionId"]!.GetValue<string>())];
        }

        await using var second = SecureGateway.Start(settings: settings);
        var (_, agent) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        string batch = $$"""{"outcomes":[{{string.Join(",", ids.Select(id => $$"""{"decisionId":"{{id}}","reward":1}"""))}}]}""";
        var (outcomes, body) = await second.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, batch);

        Assert.Equal(Decisions, ids.Distinct().Count());
        Assert.Equal(Decisions, agent!["decisions"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, outcomes.StatusCode);
        Assert.Equal(Decisions, body!["applied"]!.GetValue<int>());
    }

    [Fact]
    public async Task Restart_StoredDefinitionWithMembersTheContractLacks_StillLoadsAndDecides()
    {
        // A request with an unknown member is a 400, but a definition stored by another version (whose contract had a
        // member this one lacks) is data already accepted: the restarted gateway must still load, list and run it.
        string folder = Directory.CreateTempSubdirectory("maas-agents-").FullName;
        string path = Path.Combine(folder, "maas.db");
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = path };
        const string Key = SecureGateway.BootstrapKey;
        await using (var first = SecureGateway.Start(settings: settings))
        {
            var (put, _) = await first.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE agents SET definition = json_set(definition, '$.retiredOption', 1, '$.policy.retiredKnob', 'x') WHERE name = 'npc'";
            Assert.Equal(1, await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        await using var second = SecureGateway.Start(settings: settings);
        var (got, agent) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        var (_, list) = await second.SendJsonAsync(HttpMethod.Get, "/v1/agents", Key);
        var (decide, decided) = await second.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        var (refused, _) = await second.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key,
            AgentsApiTests.Definition.TrimEnd().TrimEnd('}') + ""","retiredOption":1}""");

        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.NotNull(agent!["definition"]);
        Assert.NotNull(list![0]!["definition"]);
        Assert.Equal(HttpStatusCode.OK, decide.StatusCode);
        Assert.False(string.IsNullOrEmpty(decided!["action"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static Dictionary<string, double> Scores(JsonNode decision) =>
        decision["ranking"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => Math.Round(r!["score"]!.GetValue<double>(), 9));
}
