using System.Net.Http.Headers;

namespace MaaS.Gateway.FunctionalTests.Agents;

/// <summary>
/// decide's two ways of reading its body over real HTTP: a body with a Content-Length is kept as bytes and read straight
/// into the agent's vectors (or bound as before when that reader declines it); a chunked body without a length is bound
/// from the stream by the serializer, as every body was before. Each bad body gets the same status and problem both ways.
/// </summary>
public sealed class AgentsDecideBodyTests : IAsyncLifetime
{
    private const string Key = SecureGateway.BootstrapKey;
    private SecureGateway _gateway = null!;

    // A plain client: the factory's own buffers request bodies (to replay them on a redirect) and so sizes every one.
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _gateway = SecureGateway.Start();
        _client = new HttpClient { BaseAddress = _gateway.Host.Address, Timeout = TimeSpan.FromSeconds(60) };
        var (put, body) = await _gateway.SendJsonAsync(HttpMethod.Put, "/v1/agents/npc", Key, AgentsApiTests.Definition);
        Assert.True(put.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _gateway.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"context":{"strength":0.5}}""")]
    [InlineData("""{"context":{"skill":NaN}}""")]
    [InlineData("""{"context":{"skill":"NaN"}}""")]
    [InlineData("""{"context":{"skill":1e400}}""")]
    [InlineData("""{"context":{"skill":true}}""")]
    [InlineData("""{"context":{"skill":"0.5"}}""")]
    [InlineData("""{"context":[0.5]}""")]
    [InlineData("""{"context":{"skill":0.5},"explain":"yes"}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"boss"}]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy"},{"id":"easy"}]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"speed":1}}]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","features":{"difficulty":1e400}}]}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[null]}""")]
    [InlineData("""{"context":{"skill":0.5},"excluded":["boss"]}""")]
    [InlineData("""{"context":{"skill":0.5},"excluded":[null]}""")]
    [InlineData("""{"context":{"skill":0.5},"baseline":"easy"}""")]
    [InlineData("""{"context":{"skill":0.5},"explian":true}""")]
    [InlineData("""{"context":{"skill":0.5},"actions":[{"id":"easy","feature":{"difficulty":1}}]}""")]
    [InlineData("""{"context":{"skill":0.1},"excluded":["easy","normal"]}""")]
    [InlineData("""{"context":{"skill":0.5}""")]
    [InlineData("""{"context":{"skill":0.5}} x""")]
    [InlineData("""{"context":{"skill":0.5},}""")]
    [InlineData("""[1]""")]
    [InlineData("""null""")]
    public async Task Decide_BadBody_SameAnswerWithAndWithoutContentLength(string json)
    {
        var (sized, sizedBody) = await DecideAsync(json, chunked: false);
        var (streamed, streamedBody) = await DecideAsync(json, chunked: true);

        Assert.True(sized.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)sized.StatusCode} {sizedBody}");
        Assert.Equal(streamed.StatusCode, sized.StatusCode);
        Assert.Equal(Comparable(streamedBody), Comparable(sizedBody));
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        Assert.Equal(0, agent!["decisions"]!.GetValue<long>());
    }

    [Theory]
    // The direct reader's shape, and shapes it leaves to binding (casing, escapes). The agent's
    // rule forbids hard below skill 0.3, so whether hard is eligible shows the context value arrived.
    [InlineData("""{"context":{"skill":0.5},"explain":true}""", true)]
    [InlineData("""{"context":{"skill":0.1},"actions":[{"id":"hard","features":{"difficulty":0.1}},{"id":"easy"}],"excluded":["easy"]}""", true)]
    [InlineData("""{"context":{"skill":0.1},"actions":[{"id":"hard"},{"id":"easy"}]}""", false)]
    [InlineData("""{"Context":{"skill":0.25}}""", false)]
    [InlineData("""{"context":{"sk\u0069ll":0.75}}""", true)]
    public async Task Decide_ValidBodyEitherWay_DecidesOnTheSentValues(string json, bool hardEligible)
    {
        foreach (bool chunked in new[] { false, true })
        {
            var (response, body) = await DecideAsync(json, chunked);

            Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
            Assert.Equal(32, body!["decisionId"]!.GetValue<string>().Length);
            JsonNode hard = body["ranking"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "hard")!;
            Assert.Equal(hardEligible, hard["eligible"]!.GetValue<bool>());
            if (json.Contains("\"excluded\"", StringComparison.Ordinal))
            {
                Assert.Equal("hard", body["action"]!.GetValue<string>());
                Assert.Equal(1.0, body["probability"]!.GetValue<double>());
            }
        }
        var (_, agent) = await _gateway.SendJsonAsync(HttpMethod.Get, "/v1/agents/npc", Key);
        Assert.Equal(2, agent!["decisions"]!.GetValue<long>());
    }

    [Theory]
    // An agent that does not exist: the body is still read first, so JSON that does not parse is a 400 and a valid body a 404.
    [InlineData("""{"context":{"skill":0.5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"context":{"skill":"high"}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"context":{"skill":0.5}}""", HttpStatusCode.NotFound)]
    public async Task Decide_UnknownAgent_BodyReadFirst_SameAnswerEitherWay(string json, HttpStatusCode expected)
    {
        var (sized, sizedBody) = await DecideAsync(json, chunked: false, agent: "nobody");
        var (streamed, streamedBody) = await DecideAsync(json, chunked: true, agent: "nobody");

        Assert.True(sized.StatusCode == expected, $"{(int)sized.StatusCode} {sizedBody}");
        Assert.Equal(streamed.StatusCode, sized.StatusCode);
        Assert.Equal(Comparable(streamedBody), Comparable(sizedBody));
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> DecideAsync(string json, bool chunked, string agent = "npc")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/agents/{agent}/decide");
        SecureGateway.Authorize(request, Key, apiKeyHeader: false);
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        request.Content = chunked ? new UnsizedContent(bytes) : new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(chunked ? null : bytes.Length, request.Content.Headers.ContentLength);
        return (response, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text));
    }

    /// <summary>The problem without what differs per request.</summary>
    private static string? Comparable(JsonNode? body)
    {
        if (body is JsonObject problem)
        {
            problem.Remove("traceId");
            problem.Remove("requestId");
        }
        return body?.ToJsonString();
    }

    /// <summary>A body that cannot say its length, so HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
