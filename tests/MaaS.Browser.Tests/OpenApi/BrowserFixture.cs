namespace MaaS.Browser.Tests.OpenApi;

/// <summary>
/// One headless Chromium for a test class: Debian's <c>/usr/bin/chromium</c> driven by Playwright (never a Playwright
/// browser download). Without it the tests skip with the reason, except where <c>MAAS_REQUIRE_BROWSER=1</c> (CI, after
/// .ci/setup installed it), where its absence fails them.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    public IBrowser Browser
    {
        get
        {
            if (SkipReason is not null)
            {
                Assert.Skip(SkipReason);
            }

            return _browser!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            string reason = $"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium) to run the Swagger UI tests";
            Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_BROWSER") == "1", reason + " (MAAS_REQUIRE_BROWSER=1: .ci/setup should have installed it)");
            SkipReason = reason;
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
