using System.Text.Json;

namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>
/// <c>POST /v1/search</c> by a caller's own vector on a real gateway with the real MiniLM: the embedding that
/// <c>/v1/embeddings</c> returns for a text ranks as the text does, and never runs the encoder. A gateway of its own,
/// so that no other test's background embeddings move the encoder's counters.
/// </summary>
public sealed class SearchByVectorTests(EmbeddingsGateway fixture) : IClassFixture<EmbeddingsGateway>
{
    private const string Text = "space adventure with robots";

    [Fact]
    public async Task Semantic_VectorOfTheText_SameItemsOrderAndSimilaritiesAsTheText_NoEncoderCall()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "vectorsemantic");
        var byText = await SearchCatalogue.ReadyAsync(fixture.Gateway, key, $$"""{"query":"{{Text}}","mode":"semantic","count":5,"explain":true}""");
        string vector = await EmbeddingAsync(Text);
        long before = await EncoderRowsAsync();

        var byVector = await OkAsync(key, $$"""{"vector":{{vector}},"mode":"semantic","count":5,"explain":true}""");
        var withIgnoredQuery = await OkAsync(key, $$"""{"vector":{{vector}},"query":"cooking show","mode":"semantic","count":5}""");
        long after = await EncoderRowsAsync();

        Assert.Equal(Ids(byText), Ids(byVector));
        Assert.Equal(SearchCatalogue.Count, Ids(byVector).Length);
        Assert.Equal(Ids(byText), Ids(withIgnoredQuery));
        Assert.Equal("semantic", byVector["mode"]!.GetValue<string>());
        Assert.Equal(byText["embeddingModel"]!.GetValue<string>(), byVector["embeddingModel"]!.GetValue<string>());
        for (int i = 0; i < SearchCatalogue.Count; i++)
        {
            float text = byText["items"]![i]!["explanation"]!["similarity"]!.GetValue<float>();
            float own = byVector["items"]![i]!["explanation"]!["similarity"]!.GetValue<float>();
            Assert.True(Math.Abs(text - own) < 1e-5f, $"rank {i + 1}: similarity {own} by vector, {text} by text");
        }

        Assert.True(before == after, $"the encoder ran {after - before} rows for searches by vector");
        // The counter moves for a text nobody searched before (the query cache cannot answer it): it would have seen a call.
        await OkAsync(key, """{"query":"a dessert competition between two chefs","mode":"semantic"}""");
        Assert.True(await EncoderRowsAsync() > after, "a new text's search did not reach the encoder");
    }

    [Fact]
    public async Task Hybrid_VectorAndQuery_EqualsHybridByText()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "vectorhybrid");
        const string Words = "souffle robots";
        var byText = await SearchCatalogue.ReadyAsync(fixture.Gateway, key, $$"""{"query":"{{Words}}","count":5,"explain":true}""");
        string vector = await EmbeddingAsync(Words);

        var both = await OkAsync(key, $$"""{"query":"{{Words}}","vector":{{vector}},"mode":"hybrid","count":5,"explain":true}""");

        Assert.Equal("hybrid", both["mode"]!.GetValue<string>());
        Assert.Equal(Ids(byText), Ids(both));
        Assert.Equal(Explanations(byText, "lexicalRank"), Explanations(both, "lexicalRank"));
        Assert.Equal(Explanations(byText, "semanticRank"), Explanations(both, "semanticRank"));
        Assert.Contains(both["items"]!.AsArray(), i => i!["explanation"]!["lexicalRank"] is not null);
    }

    [Fact]
    public async Task Semantic_Vector_FiltersAndExplainApplyAsToText()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "vectorfilters");
        await SearchCatalogue.ReadyAsync(fixture.Gateway, key, $$"""{"query":"{{Text}}","mode":"semantic"}""");
        string vector = await EmbeddingAsync(Text);

        foreach (string filters in new[] { """{"kind":"song"}""", """{"excludeIds":["scifi","bees"]}""", """{"genres":["Romance","Documentary"]}""" })
        {
            var byText = await OkAsync(key, $$"""{"query":"{{Text}}","mode":"semantic","filters":{{filters}},"explain":true,"include":["metadata"]}""");
            var byVector = await OkAsync(key, $$"""{"vector":{{vector}},"mode":"semantic","filters":{{filters}},"explain":true,"include":["metadata"]}""");

            Assert.Equal(Ids(byText), Ids(byVector));
            Assert.NotEmpty(Ids(byVector));
            Assert.All(byVector["items"]!.AsArray(), i =>
            {
                Assert.NotNull(i!["explanation"]!["similarity"]);
                Assert.NotNull(i["explanation"]!["semanticRank"]);
                Assert.NotNull(i["metadata"]!["title"]);
            });
        }

        var song = await OkAsync(key, $$$"""{"vector":{{{vector}}},"mode":"semantic","filters":{"kind":"song"}}""");
        Assert.Equal(["song"], Ids(song));
        Assert.Null(song["items"]![0]!["explanation"]);
    }

    [Fact]
    public async Task Semantic_VectorNotAtUnitLength_NormalisedLikeTheEncoderOutput()
    {
        string key = await SearchCatalogue.PutAsync(fixture.Gateway, "vectorscale");
        var byText = await SearchCatalogue.ReadyAsync(fixture.Gateway, key, $$"""{"query":"{{Text}}","mode":"semantic","count":5,"explain":true}""");
        var unit = JsonNode.Parse(await EmbeddingAsync(Text))!.AsArray().Select(v => v!.GetValue<float>() * 37.5f);

        var scaled = await OkAsync(key, $$"""{"vector":[{{string.Join(',', unit.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}],"mode":"semantic","count":5,"explain":true}""");

        Assert.Equal(Ids(byText), Ids(scaled));
        float top = scaled["items"]![0]!["explanation"]!["similarity"]!.GetValue<float>();
        Assert.True(Math.Abs(top - byText["items"]![0]!["explanation"]!["similarity"]!.GetValue<float>()) < 1e-4f, scaled.ToJsonString());
    }

    public static TheoryData<string, string, string> BadVectors => new()
    {
        { Body("[0.5,0.5]", "semantic"), "vector", "384" },
        { Body("[]", "semantic"), "vector", "384" },
        { Body(Zeros(384), "semantic"), "vector", "non-zero" },
        // Past float's range: the parser reads it as infinity, which validation refuses by its index.
        { Body("[1e39," + Zeros(383)[1..], "semantic"), "vector", "value 0 is not a finite number" },
        { Body(Zeros(4_097), "semantic"), "vector", "4096" },
        { Body(Zeros(384), "lexical", "robots"), "vector", "lexical" },
        { Body(Zeros(384), "hybrid"), "query", "semantic" },
        { """{"vector":[0.1,0.2]}""", "query", "hybrid" },
        { Body(Zeros(384), "semantic", " "), "query", "characters" },
    };

    [Theory]
    [MemberData(nameof(BadVectors))]
    public async Task Post_BadVector_ProblemDetails400NamingTheFieldAndTheFix(string json, string field, string words)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", fixture.AppKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = body!["errors"]!.AsArray().FirstOrDefault(e => e!["field"]!.GetValue<string>() == field);
        Assert.True(problem is not null, $"{json[..Math.Min(json.Length, 80)]}: {body.ToJsonString()}");
        Assert.Contains(words, problem!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"vector":[0.1,"a"],"mode":"semantic"}""", "$.vector[1]")]
    [InlineData("""{"vector":[0.1,"NaN"],"mode":"semantic"}""", "$.vector[1]")]
    [InlineData("""{"vector":["0.5"],"mode":"semantic"}""", "$.vector[0]")]
    [InlineData("""{"vector":"0.1,0.2","mode":"semantic"}""", "$.vector")]
    [InlineData("""{"vector":[0.1,null],"mode":"semantic"}""", "$.vector[1]")]
    public async Task Post_VectorNotAnArrayOfFiniteNumbers_400NamingTheValue(string json, string path)
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", fixture.AppKey, json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json}: {(int)response.StatusCode} {body?.ToJsonString()}");
        // Numbers as strings too: /v1 bodies read numbers strictly, and the parser's 400 names the value's JSON path.
        Assert.True(body?["detail"]?.GetValue<string>().Contains(path + " must be ", StringComparison.Ordinal) == true, $"{json}: {body?.ToJsonString()}");
    }

    private static string Body(string vector, string mode, string? query = null) =>
        $$"""{"vector":{{vector}},"mode":"{{mode}}"{{(query is null ? "" : $",\"query\":\"{query}\"")}}}""";

    private static string Zeros(int count) => "[" + string.Join(',', Enumerable.Repeat("0", count)) + "]";

    private static string[] Ids(JsonNode response) => [.. response["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];

    private static int?[] Explanations(JsonNode response, string rank) =>
        [.. response["items"]!.AsArray().Select(i => i!["explanation"]![rank]?.GetValue<int>())];

    private async Task<string> EmbeddingAsync(string text)
    {
        string json = JsonSerializer.Serialize(new { model = EmbeddingsGateway.Model, input = text });
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/embeddings", fixture.AppKey, json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body!["data"]![0]!["embedding"]!.ToJsonString();
    }

    // Rows the encoder embedded so far, all versions (the /v2 statistics' inference_count).
    private async Task<long> EncoderRowsAsync()
    {
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, $"/v2/models/{EmbeddingsGateway.Model}/stats", fixture.AppKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body!["model_stats"]!.AsArray().Sum(s => s!["inference_count"]!.GetValue<long>());
    }

    private Task<JsonNode> OkAsync(string key, string json) => SearchCatalogue.SearchAsync(fixture.Gateway, key, json);
}
