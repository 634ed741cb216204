using MaaS.Models.Registry;
using MaaS.Models.Text.Modeling;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>A training job whose candidates join the served sentence encoder's embedding to the n-grams.</summary>
public sealed class TrainingEmbeddingTests
{
    // Two topics; the texts classified afterwards share no content word with these, so only the embedding can tell them apart.
    private static readonly string[] Space =
    [
        "the astronauts launched a rocket toward mars", "a probe reached the outer planets", "the telescope found a distant galaxy",
        "the crew docked with the space station", "a comet passed close to the sun", "the shuttle returned from orbit",
        "a satellite photographed the moon", "the lander touched down on a crater", "the mission studied a black hole",
        "an alien signal came from the stars", "the spacecraft fired its engines", "the rover drove across the red desert",
    ];

    private static readonly string[] Cooking =
    [
        "she baked bread with butter and flour", "the chef chopped onions for the soup", "a recipe for chocolate cake",
        "he fried eggs in a hot pan", "the stew simmered with carrots and beef", "a salad of tomatoes and basil",
        "the dough rested before the pizza went in the oven", "roast the chicken with garlic", "the pasta boiled in salted water",
        "a pie filled with apples and cinnamon", "the cook stirred the sauce", "grill the fish with lemon",
    ];

    [Fact]
    public async Task Training_EmbeddingFeatureSet_PublishedModelEmbedsTextsBeforeClassifying()
    {
        await using var host = StartHost();
        string body = TopicsBody("words", "words+embedding");

        string id = await TrainingCalls.SubmitAcceptedAsync(host.Client, body, "application/json");
        var done = await TrainingCalls.WaitFinishedAsync(host.Client, id, TimeSpan.FromSeconds(120));
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        var result = done["result"]!;
        Assert.Equal($"{EmbeddingsGateway.Model} v1", result["embedding"]!.GetValue<string>());
        Assert.Equal(["words", "words+embedding"], result["candidates"]!.AsArray().Select(c => c!["featureSet"]!.GetValue<string>()));
        Assert.Contains("same folds it was chosen on", result["crossValidationIs"]!.GetValue<string>(), StringComparison.Ordinal);

        // The candidate without the embedding cannot place texts of unseen words; CV picks the one with it.
        Assert.True(result["chosen"]!["featureSet"]!.GetValue<string>() == "words+embedding", result["candidates"]!.ToJsonString());
        string card = File.ReadAllText(Path.Combine(host.PublishedDirectory, "default.topics", "1", "card.json"));
        Assert.Contains($"the {EmbeddingsGateway.Model} v1 sentence embedding", card, StringComparison.Ordinal);

        string[] unseen = ["an astronomer watched jupiter through binoculars", "knead yeast into warm milk, then bake"];
        var classified = await TrainingCalls.ClassifyAsync(host.Client, "default.topics", unseen);
        Assert.True(
            classified["results"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()).SequenceEqual(["space", "cooking"]),
            classified.ToJsonString());

        // /v2 serves the same graph: its ids span the hashed buckets and then one per embedding dimension.
        var (v2, v2Body) = await host.GetJsonAsync("/v2/models/default.topics");
        Assert.True(v2.StatusCode == HttpStatusCode.OK, v2Body?.ToJsonString());
    }

    [Fact]
    public async Task Training_NeighbourHead_ServedGraphEqualsClassifyOnV2()
    {
        await using var host = StartHost();
        var rows = new JsonArray([
            .. Space.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["labels"] = new JsonArray("space") }),
            .. Cooking.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["labels"] = new JsonArray("cooking") })]);
        string body = new JsonObject
        {
            ["model"] = "topics",
            ["multiLabel"] = true,
            ["rows"] = rows,
            ["settings"] = new JsonObject { ["folds"] = 2, ["featureSets"] = new JsonArray("words+embedding+neighbours"), ["lambdas"] = new JsonArray(1e-3) },
        }.ToJsonString();

        string id = await TrainingCalls.SubmitAcceptedAsync(host.Client, body, "application/json");
        var done = await TrainingCalls.WaitFinishedAsync(host.Client, id, TimeSpan.FromSeconds(120));
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        string version = Path.Combine(host.PublishedDirectory, "default.topics", "1");
        Assert.Contains("nearest of the 24 training texts", File.ReadAllText(Path.Combine(version, "card.json")), StringComparison.Ordinal);
        var model = LinearTextModelReader.Read(Path.Combine(version, RepositoryFiles.Onnx), out _, out string? error);
        Assert.True(model?.Neighbours is not null, error);

        string[] unseen = ["an astronomer watched jupiter through binoculars", "knead yeast into warm milk, then bake"];
        var classified = await TrainingCalls.ClassifyAsync(host.Client, "default.topics", unseen);
        Assert.True(
            classified["results"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()).SequenceEqual(["space", "cooking"]),
            classified.ToJsonString());

        // /v2 runs the ONNX graph itself (Gemm, TopK and Gather over the stored vectors): given the same ids, weights and
        // embedding, it must answer what /v1/classify's C# twin answered.
        var (embedded, vectors) = await host.PostJsonAsync("/v1/embeddings", new JsonObject { ["model"] = EmbeddingsGateway.Model, ["input"] = new JsonArray([.. unseen.Select(t => (JsonNode)JsonValue.Create(t))]) }.ToJsonString());
        Assert.True(embedded.StatusCode == HttpStatusCode.OK, vectors?.ToJsonString());
        for (int i = 0; i < unseen.Length; i++)
        {
            float[] embedding = [.. vectors!["data"]![i]!["embedding"]!.AsArray().Select(x => x!.GetValue<float>())];
            var features = model!.Featurizer.Featurize(unseen[i]).WithEmbedding(embedding, model.Settings);
            string infer = new JsonObject
            {
                ["inputs"] = new JsonArray(
                    new JsonObject { ["name"] = LinearTextModel.IdsInput, ["shape"] = new JsonArray(1, features.Count), ["datatype"] = "INT64", ["data"] = new JsonArray([.. features.Ids.Select(id => (JsonNode)JsonValue.Create((long)id))]) },
                    new JsonObject { ["name"] = LinearTextModel.WeightsInput, ["shape"] = new JsonArray(1, features.Count), ["datatype"] = "FP32", ["data"] = new JsonArray([.. features.Weights.Select(w => (JsonNode)JsonValue.Create(w))]) }),
            }.ToJsonString();
            var (inferred, outputs) = await host.PostJsonAsync("/v2/models/default.topics/infer", infer);
            Assert.True(inferred.StatusCode == HttpStatusCode.OK, outputs?.ToJsonString());
            float[] graph = [.. outputs!["outputs"]![0]!["data"]!.AsArray().Select(x => x!.GetValue<float>())];
            float[] twin = [.. classified["results"]![i]!["scores"]!.AsArray().Select(x => x!.GetValue<float>())];
            Assert.Equal(twin.Length, graph.Length);
            Assert.All(twin.Zip(graph), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5, $"/v1/classify {p.First} vs /v2 {p.Second}"));
        }
    }

    /// <summary>
    /// A job's embedding pass runs under the job's deadline (Jobs:MaxRunSeconds), not the serving timeout of client
    /// requests: with that timeout at 1 ms, which no call of the encoder meets, the job still embeds and succeeds,
    /// while a client's own embedding request times out.
    /// </summary>
    [Fact]
    public async Task Training_RequestTimeoutShorterThanThePass_JobSucceedsUnderItsOwnDeadline()
    {
        await using var host = StartHost(new Dictionary<string, string?> { ["Serving:RequestTimeoutMilliseconds"] = "1" });
        string body = TopicsBody("words+embedding");

        var (client, _) = await host.PostJsonAsync("/v1/embeddings", new JsonObject { ["model"] = EmbeddingsGateway.Model, ["input"] = new JsonArray([.. Space.Select(t => (JsonNode)JsonValue.Create(t))]) }.ToJsonString());
        string id = await TrainingCalls.SubmitAcceptedAsync(host.Client, body, "application/json");
        var done = await TrainingCalls.WaitFinishedAsync(host.Client, id, TimeSpan.FromSeconds(120));

        Assert.Equal(HttpStatusCode.GatewayTimeout, client.StatusCode);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        Assert.Equal($"{EmbeddingsGateway.Model} v1", done["result"]!["embedding"]!.GetValue<string>());
    }

    /// <summary>A single-label job over the two topics, trying <paramref name="featureSets"/> at one λ on 2 folds.</summary>
    private static string TopicsBody(params string[] featureSets)
    {
        var rows = new JsonArray([
            .. Space.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["label"] = "space" }),
            .. Cooking.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["label"] = "cooking" })]);
        return new JsonObject
        {
            ["model"] = "topics",
            ["rows"] = rows,
            ["settings"] = new JsonObject { ["folds"] = 2, ["featureSets"] = new JsonArray([.. featureSets.Select(f => (JsonNode)JsonValue.Create(f))]), ["lambdas"] = new JsonArray(1e-3) },
        }.ToJsonString();
    }

    private static GatewayHost StartHost(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:PollSeconds"] = "0.1",
            ["Jobs:HeartbeatSeconds"] = "0.1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return GatewayHost.Start(r => r.WithShippedModel(EmbeddingsGateway.Model), settings);
    }
}
