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
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
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

    private static Dictionary<string, double> Scores(JsonNode decision) =>
        decision["ranking"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => Math.Round(r!["score"]!.GetValue<double>(), 9));
}
