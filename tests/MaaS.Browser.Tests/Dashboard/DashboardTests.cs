using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using MaaS.Browser.Tests.OpenApi;
using MaaS.TestSupport;
using MaaS.TestSupport.Hosting;
using MaaS.TestSupport.Text;

namespace MaaS.Browser.Tests.Dashboard;

/// <summary>
/// The operator dashboard in a real browser (Debian's chromium through Playwright) against a gateway with
/// authentication on: sign in, every page, live chart data, app keys refused, tenants kept apart, no 5xx. The first
/// test takes a screenshot of every page (1280 px wide; the overview also at 768 px): into docs/dashboard/ when
/// MAAS_WRITE_SCREENSHOTS=1 (to refresh the documented ones), else into a temporary folder, so that a test run leaves
/// the working tree as it was.
/// </summary>
public sealed class DashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string Screenshots = Environment.GetEnvironmentVariable("MAAS_WRITE_SCREENSHOTS") == "1"
        ? Path.Combine(SharedData.RepositoryRoot, "docs", "dashboard")
        : Directory.CreateTempSubdirectory("maas-dashboard-screenshots-").FullName;

    private static readonly (string Name, string Path, string Heading, string Chart)[] Pages =
    [
        ("overview", "/dashboard?window=300", "Overview", "#chart-requests"),
        ("models", "/dashboard/models", "Models & market", "#chart-model-requests"),
        ("recommendations", "/dashboard/recommendations", "Recommendations", "#chart-popularity"),
        ("user", "/dashboard/users?id=demo-user-001", "User demo-user-001", "#chart-genres"),
        ("search", "/dashboard/search?q=action+drama&mode=hybrid", "Search", "#chart-search-scores"),
        ("trainings", "/dashboard/trainings", "Training jobs", "#chart-training-scores"),
        ("agents", "/dashboard/agents", "Agents", "#chart-agent-reward"),
        ("keys", "/dashboard/keys", "Keys & limits", "#chart-key-429"),
    ];

    [Fact]
    public async Task Operator_SignsInAndOpensEveryPage_ChartsFollowLiveTraffic()
    {
        var chromium = browser.Browser;
        var ct = TestContext.Current.CancellationToken;
        await using var gateway = await DemoGateway.StartAsync(ct);
        string app = await gateway.CreateKeyAsync("default", ["app"]);
        string slow = await gateway.CreateKeyAsync("default", ["app"], new { requestsPerSecond = 1, burst = 1, maxConcurrentRequests = 1 });
        await using var session = await DashboardSession.OpenAsync(chromium, gateway.Host.Address);
        Directory.CreateDirectory(Screenshots);

        var first = await session.Page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/signin", session.Page.Url, StringComparison.Ordinal);
        Assert.Equal(200, first!.Status);
        await session.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "signin.png"), FullPage = true });
        Assert.Equal(302, await session.SignInAsync(SecureGateway.BootstrapKey));
        Assert.EndsWith("/dashboard", session.Page.Url, StringComparison.Ordinal);

        // Live data: the overview refreshes its charts every 5 s; the traffic sent now must show without a reload.
        await session.Page.GotoAsync("/dashboard?window=300");
        double before = await TotalAsync(session.Page, "#chart-requests");
        for (int i = 0; i < 25; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Post, "/v1/recommend", app, """{"userId":"demo-user-001","count":5}""");
            Assert.True(response.IsSuccessStatusCode, $"recommend answered {(int)response.StatusCode}");
        }

        // Model traffic for the models page, and a key over its limit for the keys page's 429 counts.
        for (int i = 0; i < 5; i++)
        {
            using var infer = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", app, SecureGateway.MlpInferBody);
            Assert.True(infer.IsSuccessStatusCode, $"infer answered {(int)infer.StatusCode}");
        }

        int throttled = 0;
        for (int i = 0; i < 6; i++)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, "/v1/models", slow);
            throttled += response.StatusCode == System.Net.HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(throttled > 0, "a key limited to 1 request/s with a burst of 1 got no 429 from 6 requests in a row");
        await session.Page.WaitForFunctionAsync(
            "before => Number(document.querySelector('#chart-requests').getAttribute('data-total')) >= before + 25 / 5",
            before,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
        string row = await session.Page.Locator("tr[data-row='Recommendations'] td").First.InnerTextAsync();
        Assert.True(long.Parse(row, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 25, $"the Recommendations row counts {row} requests after 25 were sent");

        // The rebuild button queues an index build; the builds table and chart show it once it has finished.
        await session.OpenAsync("/dashboard/recommendations");
        Assert.Equal(302, await session.SubmitFormAsync(session.Page.GetByRole(AriaRole.Button, new() { Name = "Rebuild the index" }), "/dashboard/recommendations"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int builds;
        while ((builds = await session.Page.Locator("#builds tbody tr", new() { HasText = "succeeded" }).CountAsync()) < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, ct);
            await session.Page.ReloadAsync();
        }

        Assert.True(builds >= 2, $"after the rebuild button the builds table lists {builds} finished builds");

        // Attribution: a play sent back with an answer's recommendationId shows on the recommendations page once the
        // gateway has written its counts (every 5 s), beside the items the 25 answers above served.
        using (var answer = await gateway.SendAsync(HttpMethod.Post, "/v1/recommend", app, """{"userId":"demo-user-002","count":3}"""))
        {
            using var page = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct));
            string rid = page.RootElement.GetProperty("recommendationId").GetString()!;
            string item = page.RootElement.GetProperty("items")[0].GetProperty("itemId").GetString()!;
            using var played = await gateway.SendAsync(HttpMethod.Post, "/v1/events", app,
                $$"""{"events":[{"eventId":"dash-play-1","userId":"demo-user-002","itemId":"{{item}}","type":"play","recommendationId":"{{rid}}"}]}""");
            Assert.True(played.IsSuccessStatusCode, $"the attributed play answered {(int)played.StatusCode}");
        }

        await session.OpenAsync("/dashboard/recommendations");
        deadline = DateTime.UtcNow.AddSeconds(30);
        while (await TotalAsync(session.Page, "#chart-attribution-rates") == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, ct);
            await session.Page.ReloadAsync();
        }

        Assert.True(await TotalAsync(session.Page, "#chart-attribution-rates") > 0, "the rate chart shows no attributed play 30 s after it was sent");
        // Each rate bar's value says its unit: a percentage of the served items.
        Assert.EndsWith(" %", await session.Page.Locator("#chart-attribution-rates text.value").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.True(await TotalAsync(session.Page, "#chart-attribution") >= 25 * 5, "the attribution chart counts fewer than the 25 answers' items");
        Assert.Equal("1", await session.Page.Locator("#kpi-attributed").InnerTextAsync());

        // A training job and an agent with rewarded decisions, made through the API. The trainings page is open while
        // the job runs: its live region must show the job finished without a reload.
        string trainingId = await SubmitTrainingAsync(gateway, SecureGateway.BootstrapKey, "dash-reviews");
        await session.OpenAsync("/dashboard/trainings");
        await session.Page.Locator($"tr[data-job='{trainingId}'][data-status='succeeded']").WaitForAsync(new() { Timeout = 90_000 });
        Assert.Equal("1", await session.Page.Locator($"tr[data-job='{trainingId}']").GetAttributeAsync("data-progress"));
        Assert.Contains("dash-reviews", await session.Page.Locator($"tr[data-job='{trainingId}']").InnerTextAsync(), StringComparison.Ordinal);
        await session.Page.ReloadAsync();
        Assert.True(double.Parse(await session.Page.Locator("#cv-accuracy").InnerTextAsync(), CultureInfo.InvariantCulture) > 0.5, "the CV report shows no accuracy above chance");
        int rewarded = await CreateAgentAsync(gateway, SecureGateway.BootstrapKey, app, "dash-npc", 30);
        await session.OpenAsync("/dashboard/agents?agent=dash-npc");
        Assert.Equal(30, await TotalAsync(session.Page, "#chart-agent-decisions"));
        Assert.True(await TotalAsync(session.Page, "#chart-agent-reward") > 0, $"the reward chart is empty after {rewarded} outcomes");
        Assert.Equal(rewarded.ToString(CultureInfo.InvariantCulture), await session.Page.Locator("tr[data-agent='dash-npc'] td.num").Nth(2).InnerTextAsync());
        Assert.Equal("30", await session.Page.Locator("tr[data-agent='dash-npc'] td.num").Nth(1).InnerTextAsync());

        foreach (var (name, path, heading, chart) in Pages)
        {
            var (status, text) = await session.OpenAsync(path);
            Assert.True(status == 200, $"{path} answered {status}: {text}");
            Assert.Equal(heading, await session.Page.Locator("main h2").First.InnerTextAsync());
            var svg = session.Page.Locator(chart);
            Assert.True(await svg.CountAsync() == 1, $"{path} has no chart {chart}");
            Assert.False(string.IsNullOrEmpty(await svg.Locator("title").First.TextContentAsync()), $"{chart} on {path} has no <title>");
            Assert.True(await TotalAsync(session.Page, chart) > 0, $"{chart} on {path} was drawn from no data");
            await session.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

            // Accessibility: axe-core (bundled with the package, run in the page) finds no violation of WCAG 2 A/AA rules.
            var axe = await session.Page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
            {
                RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] },
            });
            var violations = axe.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}").ToList();
            Assert.True(violations.Count == 0, $"{path} breaks accessibility rules:\n{string.Join('\n', violations)}");
            Assert.NotEmpty(axe.Passes);
        }

        // An action: a POST form with its antiforgery token, through the registry, back to the page with what it did.
        await session.OpenAsync("/dashboard/models");
        Assert.Equal(302, await session.SubmitFormAsync(session.Page.Locator("article[data-model='example-mlp']").GetByRole(AriaRole.Button, new() { Name = "Unpin default" }), "/dashboard/models"));
        Assert.Contains("default example-mlp: done", await session.Page.Locator("#action-done").InnerTextAsync(), StringComparison.Ordinal);

        // The navigation links only to pages that exist.
        foreach (string href in await session.Page.Locator("nav.sections a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
        {
            var (status, _) = await session.OpenAsync(href);
            Assert.True(status == 200, $"the navigation's {href} answered {status}");
        }

        // 768 px: no page scrolls sideways.
        await session.Page.SetViewportSizeAsync(768, 900);
        foreach (var (name, path, _, _) in Pages)
        {
            await session.OpenAsync(path);
            int width = await session.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= 768, $"{path} is {width} px wide in a 768 px window");
            if (name == "overview")
            {
                await session.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "overview-768.png"), FullPage = true });
            }
        }

        Assert.Empty(session.ServerErrors);
    }

    [Fact]
    public async Task TenantAdmins_SeeOnlyTheirTenant_AppKeyRefused()
    {
        var chromium = browser.Browser;
        await using var gateway = SecureGateway.Start();
        string acmeAdmin = await gateway.CreateKeyAsync("acme", ["admin"]);
        string globexAdmin = await gateway.CreateKeyAsync("globex", ["admin"]);
        string globexApp = await gateway.CreateKeyAsync("globex", ["app"]);
        await gateway.PublishMlpAsync(globexAdmin, "secret-model");
        for (int i = 0; i < 10; i++)
        {
            using var infer = await gateway.SendAsync(HttpMethod.Post, "/v2/models/globex.secret-model/infer", globexApp, SecureGateway.MlpInferBody);
            Assert.True(infer.IsSuccessStatusCode, $"infer answered {(int)infer.StatusCode}");
        }

        await using (var appSession = await DashboardSession.OpenAsync(chromium, gateway.Host.Address))
        {
            Assert.Equal(403, await appSession.SignInAsync(globexApp));
            Assert.Contains("This is an app key", await appSession.Page.Locator("#signin-error").InnerTextAsync(), StringComparison.Ordinal);
            await appSession.Page.GotoAsync("/dashboard");
            Assert.EndsWith("/dashboard/signin", appSession.Page.Url, StringComparison.Ordinal);
            Assert.Empty(appSession.ServerErrors);
        }

        await using var acme = await DashboardSession.OpenAsync(chromium, gateway.Host.Address);
        Assert.Equal(302, await acme.SignInAsync(acmeAdmin));
        await SubmitTrainingAsync(gateway, globexAdmin, "globex-reviews");
        await CreateAgentAsync(gateway, globexAdmin, globexApp, "globex-npc", 4);
        foreach (string path in new[] { "/dashboard", "/dashboard/models", "/dashboard/recommendations", "/dashboard/keys", "/dashboard/search?q=x", "/dashboard/users?id=u1", "/dashboard/trainings", "/dashboard/agents" })
        {
            var (status, text) = await acme.OpenAsync(path);
            Assert.True(status == 200, $"{path} answered {status} to acme's admin: {text}");
            Assert.DoesNotContain("globex", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0, (await TrafficAsync(acme.Page)).GetProperty("total").GetProperty("requests").GetInt64());
        foreach (string path in new[] { "/dashboard/keys?tenant=globex", "/dashboard/recommendations?tenant=globex", "/dashboard/search?tenant=globex&q=x", "/dashboard/users?tenant=globex&id=u1", "/dashboard/trainings?tenant=globex", "/dashboard/agents?tenant=globex" })
        {
            var (status, text) = await acme.OpenAsync(path);
            Assert.True(status == 403, $"{path} answered {status} to acme's admin: {text}");
            Assert.Contains("sees that tenant only", text, StringComparison.Ordinal);
            Assert.DoesNotContain("globex-", text, StringComparison.Ordinal);
        }

        // The operator sees every tenant: the same pages show globex's model, traffic and keys.
        await using var operatorSession = await DashboardSession.OpenAsync(chromium, gateway.Host.Address);
        Assert.Equal(302, await operatorSession.SignInAsync(SecureGateway.BootstrapKey));
        Assert.Contains("globex.secret-model", (await operatorSession.OpenAsync("/dashboard/models")).Text, StringComparison.Ordinal);
        Assert.Contains("globex-app", (await operatorSession.OpenAsync("/dashboard/keys?tenant=globex")).Text, StringComparison.Ordinal);
        Assert.Contains("globex-reviews", (await operatorSession.OpenAsync("/dashboard/trainings?tenant=globex")).Text, StringComparison.Ordinal);
        Assert.Contains("globex-npc", (await operatorSession.OpenAsync("/dashboard/agents?tenant=globex")).Text, StringComparison.Ordinal);
        var traffic = await TrafficAsync(operatorSession.Page);
        Assert.True(traffic.GetProperty("total").GetProperty("requests").GetInt64() >= 10, $"the operator's traffic: {traffic}");
        Assert.Contains(traffic.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "globex.secret-model");

        Assert.Empty(acme.ServerErrors);
        Assert.Empty(operatorSession.ServerErrors);
    }

    /// <summary>Queues a small sentiment training job through <c>POST /v1/trainings</c>; returns its id.</summary>
    private static async Task<string> SubmitTrainingAsync(SecureGateway gateway, string adminKey, string model)
    {
        var (texts, labels) = SyntheticText.Sentiment(240, seed: 11);
        var csv = new System.Text.StringBuilder("text,label\n");
        for (int i = 0; i < texts.Count; i++)
        {
            csv.Append('"').Append(texts[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",").Append(labels[i] == 1 ? "positive" : "negative").Append('\n');
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/trainings?model={model}&folds=2")
        {
            Content = new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv"),
        };
        SecureGateway.Authorize(request, adminKey, apiKeyHeader: false);
        using var response = await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /v1/trainings answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Defines an agent, makes <paramref name="decisions"/> decisions and reports an outcome (1, or 0 for every third) for four in five; returns the outcomes sent.</summary>
    private static async Task<int> CreateAgentAsync(SecureGateway gateway, string adminKey, string appKey, string name, int decisions)
    {
        const string Definition = """
            {"contextFeatures":["skill"],"actionFeatures":["difficulty"],
             "actions":[{"id":"easy","features":{"difficulty":0.2}},{"id":"hard","features":{"difficulty":0.9}}],
             "policy":{"kind":"epsilon-greedy","epsilon":0.2,"seed":7},"rewardWindowSeconds":600,"defaultReward":0}
            """;
        var (put, defined) = await gateway.SendJsonAsync(HttpMethod.Put, $"/v1/agents/{name}", adminKey, Definition);
        Assert.True(put.IsSuccessStatusCode, $"PUT /v1/agents/{name} answered {(int)put.StatusCode}: {defined}");
        int rewarded = 0;
        for (int i = 0; i < decisions; i++)
        {
            var (decide, decision) = await gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{name}/decide", appKey, i % 2 == 0 ? """{"context":{"skill":0.1}}""" : """{"context":{"skill":0.9}}""");
            Assert.True(decide.IsSuccessStatusCode, $"decide answered {(int)decide.StatusCode}: {decision}");
            if (i % 5 != 4)
            {
                string reward = i % 3 == 0 ? "0" : "1";
                var (outcome, result) = await gateway.SendJsonAsync(HttpMethod.Post, $"/v1/agents/{name}/outcomes", appKey, $$"""{"decisionId":"{{decision!["decisionId"]}}","reward":{{reward}}}""");
                Assert.True(outcome.IsSuccessStatusCode, $"outcomes answered {(int)outcome.StatusCode}: {result}");
                rewarded++;
            }
        }

        return rewarded;
    }

    private static async Task<double> TotalAsync(IPage page, string chart) =>
        double.Parse(await page.Locator(chart).GetAttributeAsync("data-total") ?? "0", CultureInfo.InvariantCulture);

    private static async Task<JsonElement> TrafficAsync(IPage page)
    {
        var response = await page.GotoAsync("/dashboard/data/traffic");
        Assert.Equal(200, response!.Status);
        return (await response.JsonAsync())!.Value;
    }
}
