using System.Net;
using MaaS.TestSupport.Hosting;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class SwaggerRecommendationTests
{
    [Theory]
    [InlineData("/v1/events", "post", "EventBatchResponse", "400")]
    [InlineData("/v1/items", "put", "ItemBatchResponse", "400")]
    [InlineData("/v1/items/{id}", "get", "ItemResponse", "404")]
    [InlineData("/v1/items/{id}/similar", "get", "SimilarItemsResponse", "404")]
    [InlineData("/v1/recommend", "post", "RecommendResponse", "400")]
    [InlineData("/v1/recommendations/rebuild", "post", "RebuildResponse", "409")]
    [InlineData("/v1/users/{id}/analysis", "get", "UserAnalysisResponse", "400")]
    [InlineData("/v1/ping", "get", "PingResponse", null)]
    public async Task SwaggerDocument_RecommendationEndpoints_SummaryTypedResponseAndProblems(string path, string method, string schema, string? problem)
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operation = body!["paths"]![path]![method]!;
        Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
        string reference = operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        Assert.EndsWith("/" + schema, reference);
        if (problem is not null)
        {
            Assert.NotNull(operation["responses"]![problem]!["content"]!["application/problem+json"]);
        }
    }

    [Fact]
    public async Task SwaggerDocument_Strategy_DocumentedOnRecommendAndSimilar()
    {
        await using var host = GatewayHost.Start(_ => { });

        var (_, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        var request = body!["components"]!["schemas"]!["RecommendRequest"]!["properties"]!["strategy"]!;
        Assert.Contains("hybrid", request["description"]!.GetValue<string>());
        var parameter = body["paths"]!["/v1/items/{id}/similar"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "strategy");
        Assert.Contains("content", parameter!["description"]!.GetValue<string>());
    }
}
