namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

public sealed class ModelsEndpointsTests
{
    [Fact]
    public async Task ListModels_ExampleAndBroken_TaskLabelsCardReadiness()
    {
        await using var host = GatewayHost.Start(r =>
        {
            r.WithExampleMlp().WithGarbage();
            File.WriteAllText(Path.Combine(r.Root, "example-mlp", "1", "card.json"), """{ "data": "synthetic", "metrics": { "accuracy": 0.5 } }""");
        });

        var (response, body) = await host.GetJsonAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var models = body!.AsArray();
        var mlp = models.Single(m => m!["name"]!.GetValue<string>() == "example-mlp")!;
        Assert.Equal("classification", mlp["task"]!.GetValue<string>());
        Assert.Equal(["low", "medium", "high"], mlp["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.True(mlp["ready"]!.GetValue<bool>());
        Assert.Equal(0.5, mlp["versions"]![0]!["card"]!["metrics"]!["accuracy"]!.GetValue<double>());
        var broken = models.Single(m => m!["name"]!.GetValue<string>() == "broken")!;
        Assert.False(broken["ready"]!.GetValue<bool>());
        Assert.Equal("Unavailable", broken["versions"]![0]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetModel_Unknown_ProblemDetails404()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.GetJsonAsync("/v1/models/ghost");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, body!["status"]!.GetValue<int>());
        Assert.Equal("Model not found", body["title"]!.GetValue<string>());
        Assert.Equal("ModelNotFound", body["code"]!.GetValue<string>());
    }
}
