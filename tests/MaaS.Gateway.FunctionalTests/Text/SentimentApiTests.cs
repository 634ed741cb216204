using MaaS.Models.Text.Modeling;

namespace MaaS.Gateway.FunctionalTests.Text;

public sealed class SentimentApiTests
{
    [Fact]
    public async Task Post_ClearReviews_LabelsAndProbabilitiesMatchCSharpModel()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));
        string[] texts = ["a gorgeous , moving and funny film .", "tedious , clumsy and utterly boring .", "It isn't good at all."];

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", Json(texts));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sentiment", body!["model"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<long>());
        var results = body["results"]!.AsArray();
        Assert.Equal(["positive", "negative", "negative"], results.Select(r => r!["label"]!.GetValue<string>()));
        var model = LinearTextModelReader.Read(Path.Combine(host.Repository.Root, "sentiment", "1", "model.onnx"), out _, out _)!;
        for (int i = 0; i < texts.Length; i++)
        {
            float[] expected = model.Predict(texts[i]);
            float[] scores = [.. results[i]!["scores"]!.AsArray().Select(s => s!.GetValue<float>())];
            Assert.Equal(expected[0], scores[0], 5);
            Assert.Equal(expected[1], scores[1], 5);
            Assert.Equal(Math.Max(expected[0], expected[1]), results[i]!["probability"]!.GetValue<float>(), 5);
        }
    }

    [Fact]
    public async Task Post_256Texts_AllAnsweredInOrder()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));
        string[] texts = [.. Enumerable.Range(0, 256).Select(i => i % 2 == 0 ? $"wonderful film number {i}" : $"awful film number {i}")];

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", Json(texts));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(256, body!["results"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{ "texts": [] }""", "give 'texts': a list of at least one text")]
    [InlineData("""{ "text": "a field of another name" }""", "text: unknown member 'text' (did you mean 'texts'?)")]
    [InlineData("""{ "texts": ["fine", ""] }""", "texts[1] is empty")]
    [InlineData("""{ "texts": ["fine", "   \n\t "] }""", "texts[1] is empty")]
    [InlineData("""{ "texts": ["fine", null] }""", "texts[1] is empty")]
    [InlineData("""{ }""", "at least one text")]
    [InlineData("""{ "texts": "not a list" }""", "failed to parse")]
    [InlineData("""{ "texts": [1, 2] }""", "failed to parse")]
    [InlineData("""not json""", "failed to parse")]
    public async Task Post_InvalidBodies_ProblemDetails400(string json, string detail)
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", json);

        AssertProblem(response, body, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task Post_TooManyOrTooLongTexts_ProblemDetails400()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));

        var (tooMany, manyBody) = await host.PostJsonAsync("/v1/sentiment", Json([.. Enumerable.Repeat("ok", 257)]));
        var (tooLong, longBody) = await host.PostJsonAsync("/v1/sentiment", Json([new string('a', 20_001)]));

        AssertProblem(tooMany, manyBody, HttpStatusCode.BadRequest, "at most 256");
        AssertProblem(tooLong, longBody, HttpStatusCode.BadRequest, "the limit is 20000");
    }

    [Fact]
    public async Task Post_LongGarbageAndOtherScripts_DefinedAnswers()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));
        string longText = string.Join(' ', Enumerable.Repeat("great", 3000));
        string[] texts = [longText, "\u0001\u0002\u0003\u007f", "\uFFFD\uFFFD\u200Bx", "这部电影非常好看", "очень хороший фильм", "😀😀😀"];

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", Json(texts));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body!["results"]!.AsArray();
        Assert.Equal(texts.Length, results.Count);
        Assert.True(results[0]!["truncated"]!.GetValue<bool>());
        Assert.Equal(0, results[1]!["tokens"]!.GetValue<int>());
        Assert.All(results, r => Assert.InRange(r!["probability"]!.GetValue<float>(), 0.5f, 1f));
        Assert.All(results, r => Assert.Contains(r!["label"]!.GetValue<string>(), new[] { "negative", "positive" }));
    }

    [Fact]
    public async Task Post_LoneSurrogateInJson_ProblemDetails400()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", """{ "texts": ["ok \uD800 broken"] }""");

        AssertProblem(response, body, HttpStatusCode.BadRequest, "failed to parse");
    }

    [Fact]
    public async Task Post_UnknownModelOrVersion_ProblemDetails404()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));

        var (noModel, noModelBody) = await host.PostJsonAsync("/v1/sentiment", """{ "texts": ["ok"], "model": "ghost" }""");
        var (noVersion, noVersionBody) = await host.PostJsonAsync("/v1/sentiment", """{ "texts": ["ok"], "model": "sentiment", "version": 9 }""");

        AssertProblem(noModel, noModelBody, HttpStatusCode.NotFound, "ghost");
        AssertProblem(noVersion, noVersionBody, HttpStatusCode.NotFound, "version 9");
    }

    [Fact]
    public async Task Post_NonTextModel_ProblemDetails400()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.PostJsonAsync("/v1/sentiment", """{ "texts": ["ok"], "model": "example-mlp" }""");

        AssertProblem(response, body, HttpStatusCode.BadRequest, "not a MaaS text model");
    }

    [Fact]
    public async Task Post_ConcurrentRequests_BatchedAndConsistent()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"));
        string[] texts = ["a gorgeous , moving film .", "a tedious mess .", "fine", "not bad at all"];
        var (_, single) = await host.PostJsonAsync("/v1/sentiment", Json(texts));

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => host.PostJsonAsync("/v1/sentiment", Json(texts))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        Assert.All(answers, a => Assert.Equal(single!["results"]!.ToJsonString(), a.Body!["results"]!.ToJsonString()));
    }

    internal static void AssertProblem(HttpResponseMessage response, JsonNode? body, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body!["status"]!.GetValue<int>());
        Assert.Contains(detail, body["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    private static string Json(string[] texts) => new JsonObject { ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode?)t)]) }.ToJsonString();
}
