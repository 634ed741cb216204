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

    /// <summary>
    /// The operator's "Make default" on the models page is stored as /v2's default endpoint stores it: a second gateway
    /// on the same data folder starts pinned. (The operator's view is the raw registry, whose pin alone held until a
    /// restart and on one replica.)
    /// </summary>
    [Fact]
    public async Task Dashboard_MakeDefault_StoredSoASecondGatewayStartsPinned()
    {
        using var data = new TempFolder("maas-dashboard-pin");
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = data.Path };
        var ct = TestContext.Current.CancellationToken;
        await using (var first = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2), settings))
        {
            using var client = first.CreateClientWithoutRedirects();
            string page = await client.GetStringAsync("/dashboard/models", ct);
            string token = Regex.Match(page, """name="__af" value="([^"]+)" """.TrimEnd()).Groups[1].Value;
            Assert.NotEmpty(token);

            using var pin = await client.PostAsync("/dashboard/models/action",
                new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token, ["name"] = "mlp", ["version"] = "1", ["action"] = "default" }), ct);
            Assert.Equal(HttpStatusCode.Redirect, pin.StatusCode);
            Assert.Contains("done", pin.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        await using var second = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2), settings);
        var (_, model) = await second.GetJsonAsync("/v1/models/mlp");
        Assert.Equal(1, model!["policy"]!["pinnedVersion"]!.GetValue<long>());
        Assert.Equal(1, model["defaultVersion"]!.GetValue<long>());
    }
}
