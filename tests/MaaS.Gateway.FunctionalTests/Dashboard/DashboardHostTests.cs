namespace MaaS.Gateway.FunctionalTests.Dashboard;

/// <summary>The dashboard over plain HTTP on the embedded default (authentication off): pages, headers, refusals.</summary>
public sealed class DashboardHostTests
{
    [Fact]
    public async Task Dashboard_AuthOff_EveryPageRendersWithoutSignIn()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        using var client = host.CreateClientWithoutRedirects();
        var ct = TestContext.Current.CancellationToken;

        foreach (string path in new[] { "/dashboard", "/dashboard?window=300", "/dashboard/models", "/dashboard/recommendations", "/dashboard/users?id=nobody", "/dashboard/search?q=x", "/dashboard/keys" })
        {
            using var response = await client.GetAsync(path, ct);
            string html = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {html}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("(authentication off)", html, StringComparison.Ordinal);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }

        using var signIn = await client.GetAsync("/dashboard/signin", ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/dashboard", signIn.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Dashboard_BadInput_4xxNever5xx()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        using var client = host.CreateClientWithoutRedirects();
        var ct = TestContext.Current.CancellationToken;

        // A form without the antiforgery token: refused before anything changes.
        using var forged = await client.PostAsync("/dashboard/models/action", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "example-mlp", ["action"] = "unload" }), ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var model = await client.GetAsync("/v2/models/example-mlp/ready", ct);
        Assert.Equal(HttpStatusCode.OK, model.StatusCode);

        using var window = await client.GetAsync("/dashboard?window=abc", ct);
        Assert.Equal(HttpStatusCode.BadRequest, window.StatusCode);
        using var longQuery = await client.GetAsync("/dashboard/search?q=" + new string('a', 5000), ct);
        Assert.True((int)longQuery.StatusCode is >= 200 and < 500, $"a 5,000-character query answered {(int)longQuery.StatusCode}");
        using var json = await client.GetAsync("/dashboard/data/traffic", ct);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }
}
