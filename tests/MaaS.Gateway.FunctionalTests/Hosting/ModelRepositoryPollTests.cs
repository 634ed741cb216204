namespace MaaS.Gateway.FunctionalTests.Hosting;

public sealed class ModelRepositoryPollTests
{
    private static readonly string OneRow = V2Json.Infer("input", "FP32", [1, 8], new float[8]);

    [Fact]
    public async Task Poll_ServingModelJsonCorruptedThenFixed_KeepsServingWithErrorThenApplies()
    {
        await using var host = GatewayHost.Start(
            r => r.WithMlpNamed("mlp", Config("good"), 1),
            new Dictionary<string, string?> { ["Serving:PollIntervalSeconds"] = "0.1" });
        string configPath = Path.Combine(host.Repository.Root, "mlp", "model.json");
        var (before, _) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        File.WriteAllText(configPath, """{ "task": "classifi""");
        var corrupt = await WaitForMetadataAsync(host, m => m?["parameters"]?["config_error"] is not null);
        var (during, duringBody) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);
        using var ready = await host.Client.GetAsync("/v2/models/mlp/ready", TestContext.Current.CancellationToken);

        File.WriteAllText(configPath, Config("fixed"));
        var repaired = await WaitForMetadataAsync(host, m => m?["parameters"]?["description"]?.GetValue<string>() == "fixed");
        var (after, _) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.True(corrupt is not null, "the metadata never reported the corrupt model.json");
        Assert.Contains("model.json is not valid", corrupt["parameters"]!["config_error"]!.GetValue<string>());
        Assert.Equal("good", corrupt["parameters"]!["description"]!.GetValue<string>());
        Assert.Equal(["1"], corrupt["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(during.StatusCode == HttpStatusCode.OK, $"infer with a corrupt model.json: {(int)during.StatusCode} {duringBody}");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(repaired is not null, "the fixed model.json was never applied");
        Assert.Null(repaired["parameters"]!["config_error"]);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static string Config(string description) =>
        $$"""{ "task": "classification", "description": "{{description}}", "labels": ["low", "medium", "high"], "maxBatchSize": 8 }""";

    /// <summary>GET /v2/models/mlp until <paramref name="done"/> holds (the poller runs every 0.1 s); null after 20 s.</summary>
    private static async Task<JsonNode?> WaitForMetadataAsync(GatewayHost host, Func<JsonNode?, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var (_, metadata) = await host.GetJsonAsync("/v2/models/mlp");
            if (done(metadata))
            {
                return metadata;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return null;
    }
}
