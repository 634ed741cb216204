using System.Text.RegularExpressions;

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

    /// <summary>
    /// A lazy model not asked for yet is not ready without being broken: the overview and the models page say it loads
    /// on its first request, in a neutral colour, until that request fails to load it; then it is "not ready" in red.
    /// </summary>
    [Fact]
    public async Task Dashboard_LazyModel_LoadsOnFirstRequestUntilItsLoadFails()
    {
        await using var host = GatewayHost.Start(r =>
        {
            r.WithExampleMlp().WithGarbage("lazy-broken");
            File.WriteAllText(Path.Combine(r.Root, "lazy-broken", "model.json"), """{ "loadPolicy": "lazy" }""");
        });
        using var client = host.CreateClientWithoutRedirects();
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(("idle", "on first request"), ReadyCell(await client.GetStringAsync("/dashboard", ct), "lazy-broken"));
        Assert.Equal(("ok", "ready"), ReadyCell(await client.GetStringAsync("/dashboard", ct), "example-mlp"));
        Assert.Contains("""<span class="idle">loads on first request</span>""", await client.GetStringAsync("/dashboard/models", ct), StringComparison.Ordinal);

        using var first = await client.PostAsync("/v2/models/lazy-broken/infer",
            new StringContent("""{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0,0,0,0,0,0,0,0]}]}"""), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);

        Assert.Equal(("bad", "not ready"), ReadyCell(await client.GetStringAsync("/dashboard", ct), "lazy-broken"));
        Assert.Contains("""<span class="bad">not ready</span>""", await client.GetStringAsync("/dashboard/models", ct), StringComparison.Ordinal);
    }

    /// <summary>The class and text of the overview readiness table's Ready cell in the model's (first) row.</summary>
    private static (string Class, string Text) ReadyCell(string html, string model)
    {
        var row = Regex.Match(html, $"""<th scope="row">{Regex.Escape(model)}</th>\s*<td>model</td>\s*<td class="num">[^<]*</td>\s*<td>[^<]*</td>\s*<td class="([a-z]+)">([^<]*)</td>""");
        Assert.True(row.Success, $"no readiness row for {model}");
        return (row.Groups[1].Value, row.Groups[2].Value);
    }
}
