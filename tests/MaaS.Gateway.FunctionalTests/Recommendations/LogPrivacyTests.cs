namespace MaaS.Gateway.FunctionalTests.Recommendations;

public sealed class LogPrivacyTests
{
    [Fact]
    public async Task UserEndpoints_VerboseLogging_NoRawUserIdInLogs()
    {
        using var folder = new GatewayFolder("maas-logs-");
        var ct = TestContext.Current.CancellationToken;
        string user = "probe-" + Guid.NewGuid().ToString("N");
        using var gateway = await folder.StartAsync(
            new Dictionary<string, string> { ["Serilog:MinimumLevel:Default"] = "Debug", ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Warning" });
        using var client = new HttpClient { BaseAddress = gateway.Address };

        async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request, ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, "/v1/events", $$"""{"events":[{"eventId":"{{user}}-1","userId":"{{user}}","itemId":"movie-001","type":"play"}]}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Post, "/v1/recommend", $$"""{"userId":"{{user}}"}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, $"/v1/users/{user}/analysis"));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/v1/users/{user}"));
        // The lines of these requests are in the log (request lines are written after the answer, and come through a
        // pipe): only then does the absence of the id below say something.
        await gateway.WaitForLineAsync("/v1/users/{id}/analysis", TimeSpan.FromSeconds(60), ct);
        await gateway.WaitForLineAsync("Erased user", TimeSpan.FromSeconds(60), ct);
        await gateway.WaitForLineAsync("HTTP DELETE /v1/users/{id} responded", TimeSpan.FromSeconds(60), ct);

        Assert.DoesNotContain(user, gateway.Output);
    }
}
