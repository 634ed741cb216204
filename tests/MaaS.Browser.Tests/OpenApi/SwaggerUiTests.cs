using System.Text.Json.Nodes;
using MaaS.TestSupport.Hosting;
using MaaS.TestSupport.Models;

namespace MaaS.Browser.Tests.OpenApi;

/// <summary>
/// Swagger UI as a newcomer uses it against a gateway with authentication on: Authorize with a key, then Try it out →
/// Execute with the pre-filled example on every POST and PUT of /v1 and /v2, in the order the page lists them
/// (publishing with a small model file attached to the form's file input).
/// </summary>
public sealed class SwaggerUiTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly byte[] Model = TinyClassifier.Build();

    // An id the server mints (a decision's): the example shows its shape, and a well-formed unknown id is a 404.
    private static readonly HashSet<string> MintedIds = ["POST /v1/agents/{name}/decisions/{decisionId}/activate"];

    // Triton's shared memory extensions, which a fresh gateway refuses with a 400: system shared memory is off by
    // default (Serving:SharedMemory:Enabled) and CUDA shared memory has no GPUs (OpenApiExamplesTests holds the rest).
    private static readonly HashSet<string> RefusedWhenOff =
    [
        "POST /v2/systemsharedmemory/region/{name}/register", "POST /v2/systemsharedmemory/unregister",
        "POST /v2/systemsharedmemory/region/{name}/unregister", "POST /v2/cudasharedmemory/region/{name}/register",
    ];

    [Fact]
    public async Task TryItOut_EveryPostAndPutAfterAuthorize_PrefilledExampleAnswers2xx()
    {
        var chromium = browser.Browser;
        await using var gateway = await DemoGateway.StartAsync(TestContext.Current.CancellationToken);
        var expected = await WritesInTheDocumentAsync(gateway);
        var page = await OpenSwaggerUiAsync(chromium, gateway);

        await AuthorizeAsync(page, SecureGateway.BootstrapKey);
        var answers = new List<(string Operation, string Status, string Body)>();
        var blocks = page.Locator(".opblock.opblock-post, .opblock.opblock-put");
        int count = await blocks.CountAsync();
        for (int i = 0; i < count; i++)
        {
            var block = blocks.Nth(i);
            string path = await block.Locator(".opblock-summary-path").GetAttributeAsync("data-path") ?? "";
            if (!path.StartsWith("/v1/", StringComparison.Ordinal) && !path.StartsWith("/v2/", StringComparison.Ordinal))
            {
                continue;
            }

            string method = (await block.Locator(".opblock-summary-method").InnerTextAsync()).Trim();
            var (status, body) = await ExecuteAsync(block);
            answers.Add(($"{method} {path}", status, body));
        }

        await page.CloseAsync();
        var failed = answers.Where(a => !a.Status.StartsWith('2') && !(MintedIds.Contains(a.Operation) && a.Status == "404")
                && !(RefusedWhenOff.Contains(a.Operation) && a.Status == "400"))
            .Select(a => $"{a.Operation}: {a.Status} {a.Body}").ToList();
        Assert.True(failed.Count == 0, "Try it out → Execute with the example failed:\n" + string.Join('\n', failed));
        Assert.Equal(expected, answers.Select(a => a.Operation).Order(StringComparer.Ordinal));
        Assert.Contains(answers, a => a.Operation == "POST /v1/models" && a.Status == "201");
    }

    [Fact]
    public async Task TryItOut_WithoutAuthorize_401Problem()
    {
        var chromium = browser.Browser;
        await using var gateway = await DemoGateway.StartAsync(TestContext.Current.CancellationToken);
        var page = await OpenSwaggerUiAsync(chromium, gateway);

        var recommend = page.Locator(".opblock.opblock-post").Filter(new LocatorFilterOptions { Has = page.Locator("[data-path='/v1/recommend']") });
        var (status, body) = await ExecuteAsync(recommend);

        await page.CloseAsync();
        Assert.Equal("401", status);
        Assert.Contains("\"code\": \"Unauthorized\"", body, StringComparison.Ordinal);
    }

    // Every POST and PUT under /v1 and /v2 the document lists, as "METHOD /path", sorted.
    private static async Task<List<string>> WritesInTheDocumentAsync(SecureGateway gateway)
    {
        var (_, document) = await gateway.Host.GetJsonAsync("/swagger/v1/swagger.json");
        return
        [
            .. document!["paths"]!.AsObject()
                .Where(p => p.Key.StartsWith("/v1/", StringComparison.Ordinal) || p.Key.StartsWith("/v2/", StringComparison.Ordinal))
                .SelectMany(p => p.Value!.AsObject().Select(o => (Method: o.Key.ToUpperInvariant(), Path: p.Key)))
                .Where(o => o.Method is "POST" or "PUT")
                .Select(o => $"{o.Method} {o.Path}")
                .Order(StringComparer.Ordinal),
        ];
    }

    private static async Task<IPage> OpenSwaggerUiAsync(IBrowser chromium, SecureGateway gateway)
    {
        var page = await chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = gateway.Host.Address.ToString() });
        // Every action re-renders the whole document (over 100 operations) on two shared cores: an Execute click once
        // took over 30 s in CI, and on a slow day a click and the first render each passed 90 s while the other test
        // assemblies ran, so every wait gets 180 s. A wait only bounds a hang; nothing here is timed.
        page.SetDefaultTimeout(180_000);
        // The first load compiles Swagger UI's bundle and renders the whole document (over 100 operations) in a browser
        // that shares two cores with the rest of the suite: both may take well over the default wait.
        await page.GotoAsync("/swagger/index.html", new PageGotoOptions { Timeout = 180_000 });
        await page.Locator(".opblock").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 180_000 });
        return page;
    }

    private static async Task AuthorizeAsync(IPage page, string key)
    {
        await page.Locator(".auth-wrapper button.authorize").ClickAsync();
        var bearer = page.Locator(".modal-ux .auth-container").Filter(new LocatorFilterOptions { HasText = "bearer" }).First;
        await bearer.Locator("input").First.FillAsync(key);
        await bearer.Locator("button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").First.ClickAsync();
        await page.Locator(".auth-wrapper button.authorize.locked").WaitForAsync();
    }

    // Opens the operation, Try it out, attaches the model file where the form has a file input, Execute, and reads
    // the live response's status and body; closes the operation again so the page stays small.
    private static async Task<(string Status, string Body)> ExecuteAsync(ILocator block)
    {
        await block.Locator(".opblock-summary-control").ClickAsync();
        await block.Locator("button.try-out__btn").ClickAsync();
        var file = block.Locator("input[type=file]");
        if (await file.CountAsync() > 0)
        {
            await file.SetInputFilesAsync(new FilePayload { Name = "model.onnx", MimeType = "application/octet-stream", Buffer = Model });
        }

        await block.Locator("button.execute").ClickAsync();
        var live = block.Locator(".live-responses-table .response");
        await live.First.WaitForAsync();
        string status = (await live.First.Locator(".response-col_status").InnerTextAsync()).Trim();
        var bodyText = live.First.Locator(".response-col_description pre");
        string body = await bodyText.CountAsync() > 0 ? await bodyText.First.InnerTextAsync() : "";
        await block.Locator(".opblock-summary-control").ClickAsync();
        return (status.Split('\n')[0].Trim(), body);
    }
}
