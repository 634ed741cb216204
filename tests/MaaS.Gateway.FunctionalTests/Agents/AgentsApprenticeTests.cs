namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>Apprentice mode over real HTTP: decisions follow the baseline, GET shows the estimates, the agent switches once its policy is estimated better.</summary>
public sealed class AgentsApprenticeTests : IAsyncLifetime
{
    // The game's own logic always plays "normal", which never pays here; the right level depends on the skill.
    private const string Definition = $$$"""
        {{{{AgentsApiTests.Game}}},
         "policy":{"kind":"epsilon-greedy","epsilon":0.3,"seed":7},
         "apprentice":{"baseline":"normal","window":100,"margin":0.05}}
        """;

    private const string Key = SecureGateway.BootstrapKey;
    private SecureGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        // 800 calls of one key as fast as the box allows: the default 100/s per key would refuse some (429).
        _gateway = SecureGateway.Start(settings: Unlimited());
        var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/coach", Key, Definition);
        Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Settings that lift the per-key rate limits, for tests that make hundreds of calls with one key as fast as the box allows.</summary>
    internal static Dictionary<string, string?> Unlimited() => new()
    {
        ["Auth:RateLimits:RequestsPerSecond"] = "100000",
        ["Auth:RateLimits:Burst"] = "100000",
        ["Auth:KeyLimitCeilings:RequestsPerSecond"] = "100000",
        ["Auth:KeyLimitCeilings:Burst"] = "100000",
    };

    [Fact]
    public async Task Decide_Apprentice_FollowsTheBaselineUntilThePolicyIsEstimatedBetter()
    {
        var (_, first) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/coach/decide", Key, """{"context":{"skill":0.1}}""");
        var normal = first!["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "normal")!;
        Assert.Equal(0.7 + 0.1, normal["probability"]!.GetValue<double>(), 9);
        var (_, before) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/coach", Key);
        Assert.Equal("apprentice", before!["apprentice"]!["mode"]!.GetValue<string>());
        Assert.Equal("normal", before["definition"]!["apprentice"]!["baseline"]!.GetValue<string>());

        var random = new Random(3);
        int followed = 0;
        for (int i = 0; i < 400; i++)
        {
            double skill = random.NextDouble();
            var (_, decision) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/coach/decide", Key, "{\"context\":{\"skill\":" + skill.ToString("R", CultureInfo.InvariantCulture) + "}}");
            string action = decision!["action"]!.GetValue<string>();
            followed += action == "normal" ? 1 : 0;
            double reward = action == (skill < 0.5 ? "easy" : "hard") ? 1 : 0;
            var (outcome, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/coach/outcomes", Key, $$"""{"decisionId":"{{decision["decisionId"]}}","reward":{{reward}}}""");
            Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);
        }
        var (_, after) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/coach", Key);
        var apprentice = after!["apprentice"]!;

        Assert.True(apprentice["mode"]!.GetValue<string>() == "learned", apprentice.ToJsonString());
        Assert.InRange(apprentice["switchedAfter"]!.GetValue<long>(), 100, 400);
        Assert.Equal(0.0, apprentice["baselineReward"]!.GetValue<double>());
        Assert.True(apprentice["learnerSnips"]!.GetValue<double>() > 0.05, apprentice.ToJsonString());
        Assert.True(followed > 60, $"followed the baseline {followed} times of 400");
        // Once switched the policy decides: a skilled player is no longer given the baseline.
        var (_, skilled) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/coach/decide", Key, """{"context":{"skill":0.95}}""");
        Assert.Equal("hard", skilled!["ranking"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decide_BadBaseline_400NamingTheField()
    {
        var (outside, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/coach/decide", Key, """{"context":{"skill":0.5},"baseline":"boss"}""");
        var (put, putBody) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/coach2", Key,
            """{"contextFeatures":["skill"],"actions":[{"id":"a"}],"apprentice":{"baseline":"boss","window":5,"margin":-1}}""");
        var (plain, _) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/plain", Key, AgentsApiTests.Definition);
        var (notApprentice, plainBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/plain/decide", Key, """{"context":{"skill":0.5},"baseline":"easy"}""");

        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "baseline");
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(["apprentice.baseline", "apprentice.margin", "apprentice.window"], putBody!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order());
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notApprentice.StatusCode);
        Assert.Contains(plainBody!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "baseline");
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/coach", Key);
        Assert.Equal(0, agent!["decisions"]!.GetValue<long>());
    }
}
