namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>
/// Listing and deleting agents over real HTTP: the tenant's own agents by name, a deletion that takes the definition and
/// the decision log with it (on every replica that shares the store), and a name defined again that starts anew.
/// </summary>
public sealed class AgentsListDeleteTests
{
    private const string Key = SecureGateway.BootstrapKey;

    [Fact]
    public async Task List_TwoTenants_EachSeesItsOwnByNameWithDefinitionAndVersion()
    {
        await using var gateway = SecureGateway.Start();
        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        foreach (string name in new[] { "orc", "boss" })
        {
            Assert.Equal(HttpStatusCode.Created, (await gateway.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}", Key, AgentsApiTests.Definition)).Response.StatusCode);
        }
        await gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/boss", Key, AgentsApiTests.Definition);
        await gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/elf", acme, AgentsApiTests.Definition);

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents", Key);
        var (_, theirs) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents", acme);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var agents = body!.AsArray();
        Assert.Equal(["boss", "orc"], agents.Select(a => a!["name"]!.GetValue<string>()));
        Assert.Equal((2L, 1L), (agents[0]!["version"]!.GetValue<long>(), agents[1]!["version"]!.GetValue<long>()));
        Assert.Equal("epsilon-greedy", agents[0]!["definition"]!["policy"]!["kind"]!.GetValue<string>());
        Assert.Equal(["elf"], theirs!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delete_AgentWithDecisions_204ThenGetDecideAndOutcomes404AndTheNameStartsAnew()
    {
        await using var gateway = SecureGateway.Start();
        await gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
        var (_, decided) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        await gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/outcomes", Key, $$"""{"decisionId":"{{decided!["decisionId"]}}","reward":1}""");

        using var deleted = await gateway.SendAsync(HttpMethod.Delete, "/v1/agents/npc", Key);
        using var again = await gateway.SendAsync(HttpMethod.Delete, "/v1/agents/npc", Key);
        using var get = await gateway.SendAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        using var decide = await gateway.SendAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");
        var (_, listed) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents", Key);
        var (created, fresh) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (again.StatusCode, get.StatusCode, decide.StatusCode));
        Assert.Empty(listed!.AsArray());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((1L, 0L, 0L, 0L), (fresh!["version"]!.GetValue<long>(), fresh["decisions"]!.GetValue<long>(), fresh["outcomes"]!.GetValue<long>(), fresh["policyVersion"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Delete_AppKeyOrAnotherTenant_403Or404AndTheAgentStays()
    {
        await using var gateway = SecureGateway.Start();
        string app = await gateway.CreateKeyAsync("default", ["app"]);
        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        await gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);

        using var byApp = await gateway.SendAsync(HttpMethod.Delete, "/v1/agents/npc", app);
        using var byOther = await gateway.SendAsync(HttpMethod.Delete, "/v1/agents/npc", acme);
        using var badName = await gateway.SendAsync(HttpMethod.Delete, "/v1/agents/NPC!", Key);
        using var get = await gateway.SendAsync(HttpMethod.Get, "/v1/agents/npc", Key);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (byApp.StatusCode, byOther.StatusCode, badName.StatusCode));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Delete_OnOneReplica_TheOtherStopsServingItWithinASecondAndSeesTheNewOne()
    {
        using var folder = new TempFolder("maas-agents-");
        var settings = new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = folder["maas.db"] };
        await using var a = SecureGateway.Start(settings: settings);
        await using var b = SecureGateway.Start(settings: settings);
        await a.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
        var (loaded, _) = await b.SendJsonAsync(HttpMethod.Post, "/v1/agents/npc/decide", Key, """{"context":{"skill":0.5}}""");

        using var deleted = await a.SendAsync(HttpMethod.Delete, "/v1/agents/npc", Key);
        var gone = await UntilAsync(b, "/v1/agents/npc/decide", """{"context":{"skill":0.5}}""", HttpStatusCode.NotFound);
        await a.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition.Replace("\"epsilon\":0.2", "\"epsilon\":0.3", StringComparison.Ordinal));
        var (_, fresh) = await WaitForAsync(b, body => body?["definition"]?["policy"]?["epsilon"]?.GetValue<double>() == 0.3);

        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(gone < TimeSpan.FromSeconds(60), $"the other replica still decided for {gone.TotalSeconds:F1} s");
        Assert.Equal((1L, 0L), (fresh!["version"]!.GetValue<long>(), fresh["decisions"]!.GetValue<long>()));
    }

    /// <summary>How long until <paramref name="path"/> answers <paramref name="status"/> (at most 60 s).</summary>
    private static async Task<TimeSpan> UntilAsync(SecureGateway gateway, string path, string json, HttpStatusCode status)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            using var response = await gateway.SendAsync(HttpMethod.Post, path, Key, json);
            if (response.StatusCode == status)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return clock.Elapsed;
    }

    private static async Task<(HttpResponseMessage Response, JsonNode? Body)> WaitForAsync(SecureGateway gateway, Func<JsonNode?, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
            if (done(answer.Body) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return answer;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
