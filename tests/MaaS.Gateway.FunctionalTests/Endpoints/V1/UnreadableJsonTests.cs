namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

public sealed class UnreadableJsonTests
{
    private static readonly (string Method, string Path)[] JsonEndpoints =
        [("PUT", "/v1/items"), ("POST", "/v1/events"), ("POST", "/v1/recommend"), ("POST", "/v1/keys")];

    [Theory]
    [InlineData("PUT", "/v1/items", "{\"items\": [ nope")]
    [InlineData("POST", "/v1/events", "{\"events\": not json")]
    [InlineData("POST", "/v1/recommend", "{\"userId\": ")]
    [InlineData("POST", "/v1/keys", "[1, 2")]
    [InlineData("POST", "/v1/recommend", "{\"userId\": 42}")]
    public async Task JsonEndpoints_UnreadableBody_ProblemDetailsWithCodeAndDetail(string method, string path, string json)
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.SendJsonAsync(new HttpMethod(method), path, json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {json}: {response.StatusCode} {body}");
        Assert.True(body?["code"]?.GetValue<string>() == "InvalidRequest", $"{method} {path} {json}: {body}");
        string? detail = body!["detail"]?.GetValue<string>();
        Assert.True(detail is not null && detail.Contains("not valid JSON", StringComparison.Ordinal), $"{method} {path} {json}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("PUT", "/v1/agents/difficulty", "{\"actions\":\"easy\"}", "$.actions must be an array (line 1, byte 18)")]
    [InlineData("POST", "/v1/sentiment", "{\"texts\":[\"fine\",7]}", "$.texts[1] must be a string (line 1, byte 19)")]
    // Positional records (the recommendation and agent contracts): the reader's message names the record, not the
    // member's type, so the JSON type is read from the contract at the path.
    [InlineData("POST", "/v1/recommend", "{\"userId\":\"u1\",\"count\":1.5}", "$.count must be an integer (line 1, byte 27)")]
    [InlineData("POST", "/v1/recommend", "{\"userId\":\"u1\",\"count\":\"3\"}", "$.count must be an integer (line 1, byte 27)")]
    [InlineData("POST", "/v1/recommend", "{\"userId\":42}", "$.userId must be a string (line 1, byte 13)")]
    [InlineData("POST", "/v1/recommend", "{\"userId\":\"u1\",\"filters\":5}", "$.filters must be an object (line 1, byte 27)")]
    [InlineData("POST", "/v1/search", "{\"query\":\"x\",\"count\":\"x\"}", "$.count must be an integer (line 1, byte 25)")]
    [InlineData("POST", "/v1/agents/difficulty/decide", "{\"actions\":5}", "$.actions must be an array (line 1, byte 13)")]
    [InlineData("POST", "/v1/agents/difficulty/decide", "{\"context\":{\"skill\":\"high\"}}", "$.context.skill must be a number (line 1, byte 27)")]
    [InlineData("POST", "/v1/agents/difficulty/outcomes", "{\"outcomes\":[{\"decisionId\":\"d1\",\"reward\":\"1\"}]}", "$.outcomes[0].reward must be a number (line 1, byte 45)")]
    public async Task JsonEndpoints_ValueOfTheWrongType_DetailNamesThePathAndTheJsonType_NoDotNetTypes(string method, string path, string json, string expected)
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.SendJsonAsync(new HttpMethod(method), path, json);

        string? detail = body?["detail"]?.GetValue<string>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {json}: {response.StatusCode} {body}");
        Assert.True(detail is not null && detail.EndsWith(": " + expected, StringComparison.Ordinal), $"{method} {path} {json}: want '{expected}', got {body}");
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("MaaS.", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/items/movie-001/similar?count=abc", "parameter 'count' must be an integer")]
    [InlineData("/v1/users/u1/analysis?trendDays=soon", "parameter 'trendDays' must be an integer")]
    public async Task QueryParameter_DoesNotParse_DetailNamesItAndWhatItMustBe(string path, string expected)
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.GetJsonAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode} {body}");
        Assert.True(body?["code"]?.GetValue<string>() == "InvalidRequest", $"{path}: {body}");
        Assert.True(body!["detail"]?.GetValue<string>() == expected, $"{path}: want '{expected}', got {body}");
    }

    [Fact]
    public async Task JsonEndpoints_UnreadableBody_NotLoggedAsError()
    {
        using var folder = new GatewayFolder("maas-unreadable-");
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await folder.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.Address };

        foreach (var (method, path) in JsonEndpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{ nope", Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {response.StatusCode}");
        }

        await Task.Delay(300, ct);
        Assert.DoesNotContain(" ERR]", gateway.Output);
        Assert.DoesNotContain(" FTL]", gateway.Output);
    }
}
