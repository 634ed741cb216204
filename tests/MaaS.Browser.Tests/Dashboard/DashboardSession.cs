using Microsoft.Playwright;

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
        page.SetDefaultTimeout(30_000);
        return new DashboardSession(context, page);
    }

    /// <summary>
    /// Fills the sign-in form with the key and submits it; answers the status of the form's answer. A 302 has set the
    /// session cookie: this waits until the browser is at the page it redirects to (the navigation committed), not
    /// for that page's load event, which waits for its stylesheet and scripts and went past 30 s on a loaded box while
    /// telling the caller nothing it reads. Any other answer is the form again, at the same URL: the caller reads it
    /// through locators, which wait for the new document's elements (the error is only in it).
    /// </summary>
    public async Task<int> SignInAsync(string key)
    {
        await Page.GotoAsync("/dashboard/signin");
        await Page.Locator("#key").FillAsync(key);
        var answer = await Page.RunAndWaitForResponseAsync(
            () => Page.Locator("main button[type=submit]").ClickAsync(),
            r => r.Url.EndsWith("/dashboard/signin", StringComparison.Ordinal) && r.Request.Method == "POST");
        if (answer.Status == (int)System.Net.HttpStatusCode.Found)
        {
            await Page.WaitForURLAsync(
                url => new Uri(url).AbsolutePath == "/dashboard",
                new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
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
