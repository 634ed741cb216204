using MaaS.Services.Recommendations;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary><c>POST /v1/recommend/rows</c> over HTTP on the demo catalogue: the page, its errors and its document.</summary>
public sealed class RecommendRowsEndpointsTests(RecommendationHost host) : IClassFixture<RecommendationHost>
{
    private const string Page = """
        {"userId":"demo-user-001","explain":true,"include":["metadata"],"rows":[
          {"kind":"forYou","count":5,"diversity":0.7,"debias":{"method":"popularity","strength":0.5}},{"kind":"because","count":5,"anchors":2},{"kind":"trending","count":5},
          {"kind":"popular","count":5,"filters":{"kind":"movie","genres":["Drama"]},"id":"drama"},{"kind":"new","count":5}]}
        """;

    [Fact]
    public async Task RecommendRows_DemoUser_PersonalAndFilteredRowsWithoutRepeats()
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend/rows", Page);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Matches("^[0-9a-f]{16}$", body!["recommendationId"]!.GetValue<string>());
        var rows = body["rows"]!.AsArray();
        Assert.Equal(["forYou", "because-1", "because-2", "drama"], rows.Select(r => r!["id"]!.GetValue<string>()).Where(id => id != "trending" && id != "new"));
        Assert.All(rows.Where(r => r!["kind"]!.GetValue<string>() == "because"), r =>
        {
            string anchor = r!["anchor"]!.GetValue<string>();
            Assert.StartsWith("Because you ", r["title"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.All(r["items"]!.AsArray(), i => Assert.Contains(i!["reason"]!["items"]!.AsArray(), c => c!["itemId"]!.GetValue<string>() == anchor));
        });

        var drama = rows.Single(r => r!["id"]!.GetValue<string>() == "drama")!;
        Assert.Equal("Popular movies in Drama", drama["title"]!.GetValue<string>());
        Assert.All(drama["items"]!.AsArray(), i =>
        {
            Assert.Equal("movie", i!["metadata"]!["kind"]!.GetValue<string>());
            Assert.Contains("Drama", i["metadata"]!["genres"]!.AsArray().Select(g => g!.GetValue<string>()));
        });

        var ids = rows.SelectMany(r => r!["items"]!.AsArray()).Select(i => i!["itemId"]!.GetValue<string>()).ToList();
        Assert.True(ids.Count == ids.Distinct().Count(), $"an item in two rows: {string.Join(", ", ids)}");
        var export = (await host.Gateway.GetJsonAsync("/v1/users/demo-user-001/export")).Body!;
        var seen = export["events"]!.AsArray().Select(e => e!["itemId"]!.GetValue<string>()).ToHashSet();
        Assert.DoesNotContain(ids, seen.Contains);
    }

    [Fact]
    public async Task RecommendRows_UnknownKindAndOversizedRow_ProblemNamesEachRowField()
    {
        var (response, body) = await host.Gateway.PostJsonAsync(
            "/v1/recommend/rows", """{"userId":"u","rows":[{"kind":"popular"},{"kind":"upcoming"},{"kind":"new","count":101}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("InvalidRequest", body!["code"]!.GetValue<string>());
        Assert.Equal(
            [("rows[1].kind", "must be forYou, because, trending, popular or new"), ("rows[2].count", $"must be 1..{RecommendationLimits.MaxCount}")],
            body["errors"]!.AsArray().Select(e => (e!["field"]!.GetValue<string>(), e["reason"]!.GetValue<string>())));
    }

    [Theory]
    [InlineData("""{"userId":"u"}""", "rows")]
    [InlineData("""{"userId":"u","rows":[{"kind":"popular","colour":"red"}]}""", "rows[0].colour")]
    [InlineData("""{"userId":"u","rows":[{"kind":"popular","anchors":2}]}""", "rows[0].anchors")]
    [InlineData("""{"rows":[{"kind":"popular"}]}""", "userId")]
    [InlineData("""{"userId":"u","rows":[{"kind":"popular","diversity":0.5}]}""", "rows[0].diversity")]
    [InlineData("""{"userId":"u","rows":[{"kind":"forYou","debias":{"method":"magic"}}]}""", "rows[0].debias.method")]
    public async Task RecommendRows_BadBody_400NamingTheField(string json, string field)
    {
        var (response, body) = await host.Gateway.PostJsonAsync("/v1/recommend/rows", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task SwaggerDocument_RecommendRows_TypedRequestAndAnswerWithTheLimits()
    {
        var (_, body) = await host.Gateway.GetJsonAsync("/swagger/v1/swagger.json");

        var operation = body!["paths"]!["/v1/recommend/rows"]!["post"]!;
        Assert.EndsWith("/RecommendRowsRequest", operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.EndsWith("/RecommendRowsResponse", operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(operation["responses"]!["400"]!["content"]!["application/problem+json"]);
        var schemas = body["components"]!["schemas"]!;
        Assert.Equal(RecommendationLimits.MaxRows, schemas["RecommendRowsRequest"]!["properties"]!["rows"]!["maxItems"]!.GetValue<int>());
        var row = schemas["RowRequest"]!["properties"]!;
        Assert.Equal(["forYou", "because", "trending", "popular", "new"], row["kind"]!["enum"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Equal(RecommendationLimits.MaxCount, row["count"]!["maximum"]!.GetValue<int>());
        Assert.Equal(RecommendationLimits.MaxAnchors, row["anchors"]!["maximum"]!.GetValue<int>());
        Assert.NotNull(schemas["RecommendationRow"]!["properties"]!["title"]);
    }
}
