namespace MaaS.Gateway.FunctionalTests.Endpoints.V1;

public sealed class MarketEndpointsTests
{
    [Theory]
    [InlineData(null, "body must be {\"tenant\": \"<tenant>\"}")]
    [InlineData("null", "body must be {\"tenant\": \"<tenant>\"}")]
    [InlineData("{}", "body must be {\"tenant\": \"<tenant>\"}")]
    [InlineData("{ nope", "the request body is not valid JSON for this endpoint: ")]
    public async Task ShareModel_BodyWithoutTenant_400SaysWhatTheBodyMustBe(string? json, string detail)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.SendJsonAsync(HttpMethod.Post, "/v1/models/example-mlp/shares", json);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json ?? "(no body)"}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(detail, body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
