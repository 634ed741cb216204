using MaaS.Services.Recommendations;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class SwaggerRecommendationTests
{
    [Theory]
    [InlineData("/v1/events", "post", "EventBatchResponse", "400")]
    [InlineData("/v1/items", "put", "ItemBatchResponse", "400")]
    [InlineData("/v1/items/{id}", "get", "ItemResponse", "404")]
    [InlineData("/v1/items/{id}/similar", "get", "SimilarItemsResponse", "404")]
    [InlineData("/v1/recommend", "post", "RecommendResponse", "400")]
    [InlineData("/v1/recommend/rows", "post", "RecommendRowsResponse", "400")]
    [InlineData("/v1/recommendations/rebuild", "post", "RebuildJobResponse", "400", "202")]
    [InlineData("/v1/recommendations/rebuilds/{id}", "get", "RebuildJobResponse", "404")]
    [InlineData("/v1/users/{id}/analysis", "get", "UserAnalysisResponse", "400")]
    [InlineData("/v1/ping", "get", "PingResponse", null)]
    public async Task SwaggerDocument_RecommendationEndpoints_SummaryTypedResponseAndProblems(string path, string method, string schema, string? problem, string success = "200")
    {
        await using var host = GatewayHost.Start(_ => { });

        var (response, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operation = body!["paths"]![path]![method]!;
        Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
        string reference = operation["responses"]![success]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
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

    [Fact]
    public async Task SwaggerDocument_Limits_SameAsTheServiceValidates()
    {
        await using var host = GatewayHost.Start(_ => { });

        var (_, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        var schemas = body!["components"]!["schemas"]!;
        var request = schemas["RecommendRequest"]!["properties"]!;
        Assert.Equal(1, request["count"]!["minimum"]!.GetValue<int>());
        Assert.Equal(RecommendationLimits.MaxCount, request["count"]!["maximum"]!.GetValue<int>());
        Assert.Equal(RecommendationLimits.MaxDiversity, request["diversity"]!["maximum"]!.GetValue<double>());
        Assert.Equal(RecommendationLimits.MaxListLength, request["items"]!["maxItems"]!.GetValue<int>());
        Assert.Equal(RecommendationLimits.MaxListLength, schemas["RecommendFilters"]!["properties"]!["excludeIds"]!["maxItems"]!.GetValue<int>());
        var count = body["paths"]!["/v1/items/{id}/similar"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "count")!;
        Assert.Equal(RecommendationLimits.MaxCount, count["schema"]!["maximum"]!.GetValue<int>());
        var trendDays = body["paths"]!["/v1/users/{id}/analysis"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "trendDays")!;
        Assert.Equal(RecommendationLimits.MaxTrendDays, trendDays["schema"]!["maximum"]!.GetValue<int>());
    }

    [Fact]
    public async Task Recommend_CountJustOverTheDocumentedMaximum_RefusedNamingTheLimit()
    {
        await using var host = GatewayHost.Start(_ => { });

        var (atLimit, _) = await host.PostJsonAsync("/v1/recommend", $$"""{"items":["a"],"count":{{RecommendationLimits.MaxCount}}}""");
        var (response, body) = await host.PostJsonAsync("/v1/recommend", $$"""{"items":["a"],"count":{{RecommendationLimits.MaxCount + 1}}}""");

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = Assert.Single(body!["errors"]!.AsArray());
        Assert.Equal("count", problem!["field"]!.GetValue<string>());
        Assert.Equal($"must be 1..{RecommendationLimits.MaxCount}", problem["reason"]!.GetValue<string>());
    }
}
