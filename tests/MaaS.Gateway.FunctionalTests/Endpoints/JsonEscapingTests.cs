namespace MaaS.Gateway.FunctionalTests.Endpoints;

/// <summary>
/// Answers keep HTML-sensitive characters as written: a catalogue title with <c>&lt;b&gt;&amp;'</c> comes back readable
/// from /v1 (the typed answers and the problem details alike) and /v2, not as <c>\u003Cb\u003E\u0026\u0027</c> (the web
/// defaults' escaping, for JSON embedded in HTML, which these application/json answers never are).
/// </summary>
public sealed class JsonEscapingTests
{
    private const string Title = "<b>Tom & Jerry's</b>";

    // A route value: no '/', which the path keeps encoded.
    private const string Name = "<i>&'x";

    [Fact]
    public async Task Answers_HtmlSensitiveCharacters_RoundTripUnescaped()
    {
        await using var gateway = GatewayHost.Start(_ => { });
        string item = "escape-" + Guid.NewGuid().ToString("N");
        string json = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["id"] = item, ["kind"] = "movie", ["title"] = Title }) }.ToJsonString();
        var (put, written) = await gateway.SendJsonAsync(HttpMethod.Put, "/v1/items", json);
        Assert.True(put.IsSuccessStatusCode, written?.ToJsonString());

        string typed = await RawAsync(gateway, $"/v1/items/{item}");
        string problem = await RawAsync(gateway, "/v1/models/" + Uri.EscapeDataString(Name));
        string v2 = await RawAsync(gateway, "/v2/models/" + Uri.EscapeDataString(Name));

        Assert.Contains($"\"title\":\"{Title}\"", typed, StringComparison.Ordinal);
        foreach (var (body, text) in new[] { (typed, Title), (problem, Name), (v2, Name) })
        {
            Assert.True(body.Contains(text, StringComparison.Ordinal) && !body.Contains("\\u00", StringComparison.Ordinal), body);
        }
    }

    private static async Task<string> RawAsync(GatewayHost gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path, TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
