namespace MaaS.Gateway.FunctionalTests.Text;

public sealed class AnalyzeApiTests
{
    [Fact]
    public async Task Post_ContentItems_TagsSentimentKeywordsExplanations()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels());
        const string json = """
            { "items": [
                { "title": "Galaxy Quest Kids", "text": "A group of children discover an alien spaceship and must save the planet in this animated family adventure." },
                { "text": "A hard-hitting documentary about the war on drugs, told through interviews with police and dealers." }
              ], "maxTags": 3, "maxTerms": 4 }
            """;

        var (response, body) = await host.PostJsonAsync("/v1/analyze", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("content-tags", body!["tagsModel"]!["name"]!.GetValue<string>());
        Assert.Equal("sentiment", body["sentimentModel"]!["name"]!.GetValue<string>());
        var results = body["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        var documentary = results[1]!;
        Assert.Contains(documentary["tags"]!.AsArray(), t => t!["tag"]!.GetValue<string>().Contains("Docu", StringComparison.Ordinal));
        foreach (var result in results)
        {
            var tags = result!["tags"]!.AsArray();
            Assert.InRange(tags.Count, 1, 3);
            var probabilities = tags.Select(t => t!["probability"]!.GetValue<float>()).ToList();
            Assert.Equal(probabilities.OrderDescending(), probabilities);
            Assert.Equal(tags.Count, result["explanation"]!["tags"]!.AsArray().Count);
            Assert.All(result["explanation"]!["tags"]!.AsArray(), e => Assert.InRange(e!["terms"]!.AsArray().Count, 1, 4));
            Assert.InRange(result["explanation"]!["sentiment"]!.AsArray().Count, 1, 4);
            Assert.InRange(result["keywords"]!.AsArray().Count, 1, 4);
            Assert.Contains(result["sentiment"]!["label"]!.GetValue<string>(), new[] { "negative", "positive" });
        }
    }

    [Fact]
    public async Task Post_SentimentExplanation_TopTermDrivesPredictedLabel()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels());

        var (response, body) = await host.PostJsonAsync("/v1/analyze", """{ "items": [{ "text": "a wonderful , wonderful film" }], "maxTerms": 3 }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = body!["results"]![0]!;
        Assert.Equal("positive", result["sentiment"]!["label"]!.GetValue<string>());
        var terms = result["explanation"]!["sentiment"]!.AsArray();
        Assert.True(terms.Max(t => t!["contribution"]!.GetValue<float>()) > 0, terms.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "items": [] }""", HttpStatusCode.BadRequest, "items")]
    [InlineData("""{ "items": [null] }""", HttpStatusCode.BadRequest, "items")]
    [InlineData("""{ "items": [{ "title": "only a title" }] }""", HttpStatusCode.BadRequest, "items[0].text is empty")]
    [InlineData("""{ "items": [{ "text": "ok" }], "maxTags": 0 }""", HttpStatusCode.BadRequest, "maxTags")]
    [InlineData("""{ "items": [{ "text": "ok" }], "model": "ghost" }""", HttpStatusCode.NotFound, "ghost")]
    [InlineData("""{ "items": [{ "text": "ok" }], "sentimentVersion": 3 }""", HttpStatusCode.NotFound, "version 3")]
    [InlineData("""[1, 2, 3]""", HttpStatusCode.BadRequest, "failed to parse")]
    public async Task Post_InvalidRequests_ProblemDetails(string json, HttpStatusCode status, string detail)
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels());

        var (response, body) = await host.PostJsonAsync("/v1/analyze", json);

        SentimentApiTests.AssertProblem(response, body, status, detail);
    }

    [Fact]
    public async Task Post_GarbageAndOtherScripts_DefinedAnswers()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels());

        var (response, body) = await host.PostJsonAsync("/v1/analyze", """{ "items": [{ "text": "\u0001\u0002" }, { "text": "一部关于爱情的电影" }] }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(body!["results"]!.AsArray(), r => Assert.NotEmpty(r!["tags"]!.AsArray()));
    }
}
