namespace MaaS.Browser.Tests.Dashboard;

/// <summary>
/// One browser context signed in to the dashboard (its own cookies), counting every 5xx the gateway answers the
/// browser: the dashboard must add none.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                ServerErrors.Add($"{response.Status} {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public List<string> ServerErrors { get; } = [];

    public static async Task<DashboardSession> OpenAsync(IBrowser browser, Uri gateway, int width = 1280)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = gateway.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return new DashboardSession(context, page);
    }

    /// <summary>
    /// Playwright's wait for what the gateway answers a form and for the page it redirects to: long, because both are
    /// only as fast as a loaded 2-core box (CI) lets the gateway answer; a passing run never waits for it to end.
    /// </summary>
    public const float FormTimeoutMs = 90_000;

    /// <summary>
    /// Fills the sign-in form with the key and submits it; answers the status of the form's answer (see
    /// <see cref="SubmitFormAsync"/>): a 302 has set the session cookie and the browser is at the dashboard.
    /// </summary>
    public async Task<int> SignInAsync(string key)
    {
        await Page.GotoAsync("/dashboard/signin");
        await Page.Locator("#key").FillAsync(key);
        return await SubmitFormAsync(Page.Locator("main button[type=submit]"), "/dashboard");
    }

    /// <summary>
    /// Clicks a form's submit button and waits on what proves the form was done: the POST's own answer, then for a
    /// 302 its <c>Location</c> (it must be <paramref name="redirectsTo"/>, with any query) and the browser at it with
    /// the navigation committed. Neither the redirect nor the page's load event is waited for through the URL alone:
    /// the load event waits for the stylesheet and scripts, and a URL wait that starts late tells a loaded box from a
    /// lost redirect only by its timeout (both went past 30 s on CI). Any other answer is the form again, read through
    /// locators that wait for the new document's elements.
    /// </summary>
    public async Task<int> SubmitFormAsync(ILocator submit, string redirectsTo)
    {
        var answer = await Page.RunAndWaitForResponseAsync(
            () => submit.ClickAsync(),
            r => r.Request.Method == "POST" && r.Request.IsNavigationRequest,
            new PageRunAndWaitForResponseOptions { Timeout = FormTimeoutMs });
        if (answer.Status == (int)System.Net.HttpStatusCode.Found)
        {
            string location = await answer.HeaderValueAsync("location") ?? "";
            var target = new Uri(new Uri(answer.Url), location);
            Assert.True(target.AbsolutePath == redirectsTo, $"{answer.Request.Method} {answer.Url} redirected to '{location}', not to {redirectsTo}");
            // Page.Url follows each committed navigation, so reading it is the commit wait. Not WaitForURLAsync: when the
            // URL already matches as it starts, it waits for the page's load event whatever WaitUntil says (Commit has
            // no load state), and that wait ran out its 90 s in a clean-clone run with the browser already at /dashboard.
            string wanted = Uri.UnescapeDataString(target.PathAndQuery);
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); Uri.UnescapeDataString(new Uri(Page.Url).PathAndQuery) != wanted; await Task.Delay(50))
            {
                Assert.True(waited.ElapsedMilliseconds < FormTimeoutMs, $"the browser is at {Page.Url}, not {target}, {FormTimeoutMs / 1000:0} s after the redirect");
            }
        }

        return answer.Status;
    }

    /// <summary>Opens a page; answers its status and the text of its main region.</summary>
    public async Task<(int Status, string Text)> OpenAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        return (response?.Status ?? 0, await Page.Locator("main").InnerTextAsync());
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
