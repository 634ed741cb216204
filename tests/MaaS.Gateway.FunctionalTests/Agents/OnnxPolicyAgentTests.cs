using MaaS.Agents.Learning;
using MaaS.Agents.Learning.Networks;
using MaaS.Agents.Learning.Trees;
using MaaS.Agents.Simulation;
using MaaS.Services.Agents.Onnx;

namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>
/// Agents of policy kind onnx over real HTTP: the tree and the MLP trained by imitation, written into the model
/// repository (and published into the market), decide through the rules and are served by /v2 as any model.
/// </summary>
public sealed class OnnxPolicyAgentTests : IAsyncLifetime
{
    private const string Key = SecureGateway.BootstrapKey;
    private static readonly string[] Levels = [.. DifficultyGame.Actions.Select(a => a.Id)];
    private static readonly Lazy<(DecisionTree Tree, MlpClassifier Mlp)> Trained = new(() =>
    {
        ImitationData data = ImitationData.FromGame(4_000, 1);
        return (CartLearner.Fit(data.Rows, data.Labels, data.Features, data.Classes),
                MlpClassifier.Fit(data.Rows, data.Labels, data.Features, data.Classes, new MlpSettings(Epochs: 20)));
    });

    private SecureGateway _gateway = null!;

    private static DecisionTree Tree => Trained.Value.Tree;

    private static MlpClassifier Mlp => Trained.Value.Mlp;

    public ValueTask InitializeAsync()
    {
        _gateway = SecureGateway.Start(setup: repository =>
        {
            repository.WithExampleMlp();
            PolicyModels.WriteTo(repository.Root, "difficulty-tree", 1, PolicyModels.Tree(Tree, Levels), Levels, "CART tree imitating the scripted expert");
            PolicyModels.WriteTo(repository.Root, "difficulty-mlp", 1, PolicyModels.Mlp(Mlp, Levels), Levels, "MLP imitating the scripted expert");
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("difficulty-tree", 0.12)]
    [InlineData("difficulty-tree", 0.71)]
    [InlineData("difficulty-mlp", 0.33)]
    [InlineData("difficulty-mlp", 0.88)]
    public async Task Decide_OnnxPolicy_ChoosesTheModelsBestActionAndShowsItsScores(string model, double signal)
    {
        await PutAsync("levels", model);
        float[] observation = Observation(signal, mobile: 0);
        float[] expected = model.EndsWith("tree", StringComparison.Ordinal) ? Tree.Scores(observation).ToArray() : Mlp.Scores(observation);

        var (response, body) = await DecideAsync("levels", signal, mobile: 0);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Levels[Array.IndexOf(expected, expected.Max())], body!["action"]!.GetValue<string>());
        Assert.Equal(1.0, body["probability"]!.GetValue<double>());
        foreach (JsonNode? ranked in body["ranking"]!.AsArray())
        {
            int index = Array.IndexOf(Levels, ranked!["id"]!.GetValue<string>());
            Assert.Equal(expected[index], ranked["score"]!.GetValue<double>(), 5);
        }
    }

    [Theory]
    [InlineData("difficulty-tree", 0.52)]
    [InlineData("difficulty-mlp", 0.84)]
    public async Task Decide_OnnxPolicySlots_EachSlotTakesTheModelsBestOfWhatIsLeft(string model, double signal)
    {
        await PutAsync($"slots-{model}", model);
        float[] scores = model.EndsWith("tree", StringComparison.Ordinal) ? Tree.Scores(Observation(signal, mobile: 0)).ToArray() : Mlp.Scores(Observation(signal, mobile: 0));
        string best = Levels[Array.IndexOf(scores, scores.Max())];
        string s = signal.ToString(CultureInfo.InvariantCulture), sq = (signal * signal).ToString(CultureInfo.InvariantCulture);

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/slots-{model}/decide", Key,
            $$"""{"context":{"skill_signal":{{s}},"skill_signal_sq":{{sq}},"hour":0.5,"mobile":0},"slots":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"4"},{"id":"5"}]}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        string[] chosen = [.. body!["slots"]!.AsArray().Select(slot => slot!["actionId"]!.GetValue<string>())];
        Assert.Equal(best, chosen[0]);
        Assert.Equal(Levels.Order(), chosen.Order());
        // ε 0: every slot takes the highest score among the levels the earlier slots left (ties keep the first).
        for (int i = 1; i < chosen.Length; i++)
        {
            float left = Levels.Where(l => !chosen.Take(i).Contains(l)).Max(l => scores[Array.IndexOf(Levels, l)]);
            Assert.Equal(left, scores[Array.IndexOf(Levels, chosen[i])], 5);
        }
    }

    [Fact]
    public async Task Decide_RulesForbidAndForce_MaskTheModelsChoice()
    {
        await PutAsync("masked", "difficulty-mlp", """
            [{"name":"no-very-hard-on-mobile","when":"context.mobile == 1 and action.difficulty >= 0.9","effect":"forbid"},
             {"name":"night-is-easy","when":"context.hour >= 0.9 and action.id == \"easy\"","effect":"force"}]
            """);
        // Near the hard/very-hard boundary, so that the second best is clear of the others (far from it, softmax
        // leaves every other level near 0, tied within the policy's tolerance).
        float[] scores = Mlp.Scores(Observation(0.84, mobile: 1));
        Assert.Equal("very-hard", Levels[Array.IndexOf(scores, scores.Max())]);
        string secondBest = Levels[Array.IndexOf(scores, scores.Where((_, i) => Levels[i] != "very-hard").Max())];
        Assert.True(scores.Order().ElementAt(3) - scores.Order().ElementAt(2) > 1e-4, $"scores [{string.Join(", ", scores)}]");

        for (int i = 0; i < 10; i++)
        {
            var (forbidden, body) = await DecideAsync("masked", 0.84, mobile: 1);
            Assert.Equal(HttpStatusCode.OK, forbidden.StatusCode);
            Assert.Equal(secondBest, body!["action"]!.GetValue<string>());
            var veryHard = body["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "very-hard")!;
            Assert.Equal((0.0, false), (veryHard["probability"]!.GetValue<double>(), veryHard["eligible"]!.GetValue<bool>()));
        }
        var (forced, forcedBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/masked/decide", Key,
            """{"context":{"skill_signal":0.97,"skill_signal_sq":0.9409,"hour":0.95,"mobile":0}}""");
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(("easy", 1.0), (forcedBody!["action"]!.GetValue<string>(), forcedBody["probability"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Decide_WithExploration_SpreadsEpsilonOutcomesCountAndOfflineEvaluationWeighsByTheModel()
    {
        await PutAsync("exploring", "difficulty-tree", epsilon: 0.5);

        var (response, body) = await DecideAsync("exploring", 0.5, mobile: 0);
        var (outcome, _) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/exploring/outcomes", Key,
            $$"""{"decisionId":"{{body!["decisionId"]!.GetValue<string>()}}","reward":1}""");
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/exploring", Key);
        var (evaluate, evaluateBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/exploring/evaluate", Key, "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var probabilities = body["ranking"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["probability"]!.GetValue<double>());
        Assert.Equal(0.5 + 0.1, probabilities["normal"], 9);
        Assert.All(probabilities.Where(p => p.Key != "normal"), p => Assert.Equal(0.1, p.Value, 9));
        Assert.Equal(HttpStatusCode.OK, outcome.StatusCode);
        Assert.Equal(1, agent!["policyVersion"]!.GetValue<long>());
        Assert.Equal("difficulty-tree", agent["definition"]!["policy"]!["registryModel"]!["name"]!.GetValue<string>());
        // The deployed policy evaluated on its own log: every weight is 1, so IPS is the logged reward.
        Assert.True(evaluate.StatusCode == HttpStatusCode.OK, evaluateBody?.ToJsonString());
        Assert.Equal((1, 1.0), (evaluateBody!["decisions"]!.GetValue<int>(), evaluateBody["ips"]!.GetValue<double>()));
        Assert.Equal("onnx", evaluateBody["candidate"]!["kind"]!.GetValue<string>());
        var (greedy, greedyBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/exploring/evaluate", Key, """{"policy":{"epsilon":0}}""");
        Assert.True(greedy.StatusCode == HttpStatusCode.OK, greedyBody?.ToJsonString());
        double logged = probabilities[body["action"]!.GetValue<string>()];
        Assert.Equal(body["action"]!.GetValue<string>() == "normal" ? 1 / logged : 0, greedyBody!["ips"]!.GetValue<double>(), 9);
    }

    [Fact]
    public async Task Decide_OpenActionSetWithAnUnlabelledAction_RanksItBelowEveryLabelledOne()
    {
        string definition = Definition("""{"kind":"onnx","registryModel":{"name":"difficulty-tree"}}""", "[]");
        definition = Regex.Replace(definition, "\"actions\":\\[.*?\\],\\s*\"policy\"", "\"policy\"", RegexOptions.Singleline);
        var (put, putBody) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/open", Key, definition);
        Assert.True(put.StatusCode == HttpStatusCode.Created, putBody?.ToJsonString());

        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v1/agents/open/decide", Key,
            """{"context":{"skill_signal":0.5,"skill_signal_sq":0.25,"hour":0.5,"mobile":0},"actions":[{"id":"bonus-level","features":{"difficulty":0.5}},{"id":"very-easy"}]}""");

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        var scores = body!["ranking"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!["score"]!.GetValue<double>());
        Assert.Equal(Tree.Scores(Observation(0.5, mobile: 0))[0], scores["very-easy"], 6);
        Assert.True(scores["bonus-level"] < scores["very-easy"], body.ToJsonString());
        Assert.Equal("very-easy", body["action"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"kind":"onnx","registryModel":{"name":"no-such-model"}}""", "policy.registryModel.name")]
    [InlineData("""{"kind":"onnx","registryModel":{"name":"difficulty-tree","version":9}}""", "policy.registryModel.name")]
    [InlineData("""{"kind":"onnx","registryModel":{"name":"example-mlp"}}""", "policy.registryModel")]
    [InlineData("""{"kind":"onnx"}""", "policy.registryModel.name")]
    [InlineData("""{"kind":"linucb","registryModel":{"name":"difficulty-tree"}}""", "policy.registryModel")]
    public async Task Put_ModelMissingOrNotFitting_IsA400NamingTheField(string policy, string field)
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/unfit", Key, Definition(policy, "[]"));
        var (get, _) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/unfit", Key);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body?.ToJsonString());
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Put_ModelWithAnotherInputWidth_TheMessageGivesBothWidths()
    {
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/unfit", Key, Definition("""{"kind":"onnx","registryModel":{"name":"example-mlp"}}""", "[]"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string message = string.Join(" ", body!["errors"]!.AsArray().Where(e => e!["field"]!.GetValue<string>() == "policy.registryModel").Select(e => e!["reason"]!.GetValue<string>()));
        Assert.Contains("takes 8 observation features, the agent has 4", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2Infer_PolicyModels_ServeTheSameScores()
    {
        float[] observation = Observation(0.64, mobile: 1);

        var (tree, treeBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/difficulty-tree/infer", Key, V2Json.Infer(PolicyModels.Input, "FP32", [1, 4], observation));
        var (mlp, mlpBody) = await _gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/difficulty-mlp/infer", Key, V2Json.Infer(PolicyModels.Input, "FP32", [1, 4], observation));

        Assert.True(tree.StatusCode == HttpStatusCode.OK, treeBody?.ToJsonString());
        Assert.Equal(Tree.Scores(observation).ToArray(), Output(treeBody!, PolicyModels.Scores));
        Assert.Equal(Tree.Predict(observation), (int)treeBody!["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == PolicyModels.Label)!["data"]![0]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, mlp.StatusCode);
        float[] expected = Mlp.Scores(observation);
        float[] served = Output(mlpBody!, PolicyModels.Scores);
        Assert.All(Enumerable.Range(0, expected.Length), i => Assert.Equal(expected[i], served[i], 5));
    }

    [Fact]
    public async Task Publish_TreeIntoTheMarket_AnAgentDecidesByThePublishedModel()
    {
        string card = SecureGateway.MlpCard("policy-tree", labels: Levels);
        var (published, publishedBody) = await _gateway.PublishAsync(Key, PolicyModels.Tree(Tree, Levels), card);
        Assert.True(published.IsSuccessStatusCode, publishedBody?.ToJsonString());
        string name = publishedBody!["name"]!.GetValue<string>();

        await PutAsync("market", name);
        var (response, body) = await DecideAsync("market", 0.29, mobile: 0);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Levels[Tree.Predict(Observation(0.29, mobile: 0))], body!["action"]!.GetValue<string>());
    }

    private static float[] Output(JsonNode body, string name) =>
        [.. body["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == name)!["data"]!.AsArray().Select(v => v!.GetValue<float>())];

    private static float[] Observation(double signal, int mobile)
    {
        var observation = new float[4];
        ImitationData.Observation([signal, signal * signal, 0.5, mobile], observation);
        return observation;
    }

    private async Task PutAsync(string agent, string model, string rules = "[]", double epsilon = 0)
    {
        string policy = $$$"""{"kind":"onnx","epsilon":{{{epsilon.ToString(CultureInfo.InvariantCulture)}}},"seed":3,"registryModel":{"name":"{{{model}}}"}}""";
        var (response, body) = await _gateway.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{agent}", Key, Definition(policy, rules));
        Assert.True(response.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
    }

    private Task<(HttpResponseMessage Response, JsonNode? Body)> DecideAsync(string agent, double signal, int mobile) =>
        _gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{agent}/decide", Key,
            $$$"""{"context":{"skill_signal":{{{signal.ToString(CultureInfo.InvariantCulture)}}},"skill_signal_sq":{{{(signal * signal).ToString(CultureInfo.InvariantCulture)}}},"hour":0.5,"mobile":{{{mobile}}}}}""");

    private static string Definition(string policy, string rules) => $$"""
        {"contextFeatures":["skill_signal","skill_signal_sq","hour","mobile"],"actionFeatures":["difficulty"],
         "actions":[{{string.Join(",", DifficultyGame.Actions.Select(a => $$$"""{"id":"{{{a.Id}}}","features":{"difficulty":{{{a.Features[0].ToString(CultureInfo.InvariantCulture)}}}}}"""))}}],
         "policy":{{policy}},"rules":{{rules}},"rewardWindowSeconds":600}
        """;
}
