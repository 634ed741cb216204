using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Training;

/// <summary>A training job whose candidates join the served sentence encoder's embedding to the n-grams.</summary>
public sealed class TrainingEmbeddingTests
{
    private const string Encoder = "all-minilm-l6-v2";

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
        await using var host = GatewayHost.Start(r => r.WithShippedModel(Encoder), new Dictionary<string, string?>
        {
            ["Jobs:PollSeconds"] = "0.1",
            ["Jobs:HeartbeatSeconds"] = "0.1",
        });
        var rows = new JsonArray([
            .. Space.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["label"] = "space" }),
            .. Cooking.Select(t => (JsonNode)new JsonObject { ["text"] = t, ["label"] = "cooking" })]);
        string body = new JsonObject
        {
            ["model"] = "topics",
            ["rows"] = rows,
            ["settings"] = new JsonObject { ["folds"] = 2, ["featureSets"] = new JsonArray("words", "words+embedding"), ["lambdas"] = new JsonArray(1e-3) },
        }.ToJsonString();

        var (accepted, job) = await TrainingCalls.SubmitAsync(host.Client, body, "application/json");
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, job?.ToJsonString());
        var done = await TrainingCalls.WaitFinishedAsync(host.Client, job!["id"]!.GetValue<string>(), TimeSpan.FromSeconds(120));
        Assert.True(done["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        var result = done["result"]!;
        Assert.Equal($"{Encoder} v1", result["embedding"]!.GetValue<string>());
        Assert.Equal(["words", "words+embedding"], result["candidates"]!.AsArray().Select(c => c!["featureSet"]!.GetValue<string>()));
        Assert.Contains("same folds it was chosen on", result["crossValidationIs"]!.GetValue<string>(), StringComparison.Ordinal);

        // The candidate without the embedding cannot place texts of unseen words; CV picks the one with it.
        Assert.True(result["chosen"]!["featureSet"]!.GetValue<string>() == "words+embedding", result["candidates"]!.ToJsonString());
        string card = File.ReadAllText(Path.Combine(host.PublishedDirectory, "default.topics", "1", "card.json"));
        Assert.Contains($"the {Encoder} v1 sentence embedding", card, StringComparison.Ordinal);

        string[] unseen = ["an astronomer watched jupiter through binoculars", "knead yeast into warm milk, then bake"];
        var classified = await TrainingCalls.ClassifyAsync(host.Client, "default.topics", unseen);
        Assert.True(
            classified["results"]!.AsArray().Select(r => r!["label"]!.GetValue<string>()).SequenceEqual(["space", "cooking"]),
            classified.ToJsonString());

        // /v2 serves the same graph: its ids span the hashed buckets and then one per embedding dimension.
        var (v2, v2Body) = await host.GetJsonAsync("/v2/models/default.topics");
        Assert.True(v2.StatusCode == HttpStatusCode.OK, v2Body?.ToJsonString());
    }
}
