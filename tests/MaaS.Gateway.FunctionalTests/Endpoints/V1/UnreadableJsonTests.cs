namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

public sealed class UnreadableJsonTests : IDisposable
{
    private static readonly (string Method, string Path)[] JsonEndpoints =
        [("PUT", "/v1/items"), ("POST", "/v1/events"), ("POST", "/v1/recommend"), ("POST", "/v1/keys")];

    private readonly TempFolder _root = new("maas-unreadable-");

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

    [Fact]
    public async Task JsonEndpoints_UnreadableBody_NotLoggedAsError()
    {
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_root["models"]);
        using var gateway = await GatewayProcess.StartAsync(dll, _root["data"], _root["models"], ct);
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

    public void Dispose() => _root.Dispose();
}
