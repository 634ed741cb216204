namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class ErrorShapeTests
{
    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task Infer_AnyContentType_ReadAsJson(string? contentType)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        byte[] json = Encoding.UTF8.GetBytes(V2Json.Infer("input", "FP32", [1, 8], new float[8]));

        var answer = await BinaryTensorClient.SendAsync(host, "/v2/models/example-mlp/infer", json, null, contentType);

        Assert.True(answer.Status == HttpStatusCode.OK, $"Content-Type {contentType ?? "(none)"}: {answer.Status} {answer.Json}");
        Assert.NotNull(V2Json.Output(answer.Json, "probabilities"));
    }

    [Theory]
    [InlineData("GET", "/v2/nothing/here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/v2/models/example-mlp/infer", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/v2/repository/index", HttpStatusCode.MethodNotAllowed)]
    public async Task FrameworkErrors_UnderV2_ErrorObjectNotProblemDetails(string method, string path, HttpStatusCode expected)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.SendJsonAsync(new HttpMethod(method), path, null);

        Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode} {body}");
        Assert.True(body?["error"]?.GetValue<string>() is { Length: > 0 }, $"{method} {path}: {body}");
        Assert.Null(body!["status"]);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/v1/nothing/here", null, HttpStatusCode.NotFound, "NotFound", "no such endpoint: GET /v1/nothing/here")]
    [InlineData("GET", "/v1/events", null, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "method GET is not allowed on /v1/events; it allows POST")]
    [InlineData("POST", "/v1/events", "text/plain", HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "unsupported Content-Type 'text/plain; charset=utf-8'; JSON bodies need Content-Type: application/json")]
    // A body sent without a Content-Type ("" here) to an endpoint whose JSON body is optional: refused by its reader, not by routing.
    [InlineData("POST", "/v1/recommend", "", HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", "the request has no Content-Type; JSON bodies need Content-Type: application/json")]
    public async Task FrameworkErrors_UnderV1_ProblemDetailsWithTheGatewaysCodeAndADetail(string method, string path, string? contentType, HttpStatusCode expected, string code, string detail)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is { Length: > 0 })
        {
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }
        else if (contentType is not null)
        {
            request.Content = new ByteArrayContent("{}"u8.ToArray());
        }

        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, body!["status"]!.GetValue<int>());
        Assert.Equal(code, body["code"]?.GetValue<string>());
        Assert.Equal($"https://maas.dev/errors/{code}", body["type"]?.GetValue<string>());
        Assert.True(body["detail"]?.GetValue<string>() == detail, $"{method} {path}: the detail should tell the client what to change: {body}");
        Assert.Null(body["error"]);
    }

    [Fact]
    public async Task Infer_JsonBodyOverLimit_413ErrorObject()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp(), new Dictionary<string, string?> { ["Auth:Limits:MaxRequestBodyBytes"] = "2048" });
        byte[] json = Encoding.UTF8.GetBytes(V2Json.Infer("input", "FP32", [64, 8], Enumerable.Repeat(0.123456f, 64 * 8).ToArray()));

        var answer = await BinaryTensorClient.SendAsync(host, "/v2/models/example-mlp/infer", json, null, "application/json");

        Assert.True(answer.Status == System.Net.HttpStatusCode.RequestEntityTooLarge, $"{json.Length} bytes: {answer.Status} {answer.Json}");
        Assert.True(answer.Json?["error"]?.GetValue<string>() is { Length: > 0 }, $"{answer.Json}");
    }

    [Fact]
    public async Task ServerMetadata_ListsBinaryTensorData()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (_, body) = await host.GetJsonAsync("/v2");

        Assert.Contains("binary_tensor_data", body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
    }
}
