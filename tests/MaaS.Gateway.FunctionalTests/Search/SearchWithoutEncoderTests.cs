namespace MaaS.Gateway.FunctionalTests.Search;

/// <summary>
/// A gateway that does not serve the search's embedding model: words still find things (hybrid falls back to lexical),
/// and a semantic search, by query or by the caller's vector, is a 503 naming the model and the way out, not the 404 of
/// an unknown model the client never named.
/// </summary>
public sealed class SearchWithoutEncoderTests
{
    [Theory]
    [InlineData("""{"query":"space adventure","mode":"semantic"}""")]
    [InlineData("""{"vector":[0.1,0.2,0.3],"mode":"semantic"}""")]
    public async Task Semantic_ModelNotServed_503NamingTheModelAndLexicalMode(string json)
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);
        var (put, written) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", key, SearchCatalogue.Json);
        Assert.True(put.IsSuccessStatusCode, written?.ToJsonString());

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/search", key, json);
        var hybrid = await SearchCatalogue.SearchAsync(gateway, key, """{"query":"soufflé"}""");

        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{json}: {(int)response.StatusCode} {body?.ToJsonString()}");
        Assert.Equal("ModelNotReady", body!["code"]!.GetValue<string>());
        string detail = body["detail"]!.GetValue<string>();
        Assert.True(detail.Contains(EmbeddingsGateway.Model, StringComparison.Ordinal) && detail.Contains("lexical", StringComparison.Ordinal), detail);
        Assert.Equal("lexical", hybrid["mode"]!.GetValue<string>());
        Assert.NotEmpty(hybrid["items"]!.AsArray());
    }
}
