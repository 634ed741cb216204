using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MaaS.Models.Examples;

namespace MaaS.Cli.Tests.Commands;

/// <summary>
/// A newcomer's first hour with no settings at all: the built gateway started from the repository root and
/// <c>maas</c> run from another folder agree on one data location, so a key made by <c>maas keys create</c> opens the
/// gateway, and what is published through it stays out of the checkout.
/// </summary>
public sealed class DefaultStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task KeysCreateWithoutSqlite_GatewayWithoutSettings_KeyWorksAndPublishedModelLandsInTheDataFolder()
    {
        var ct = TestContext.Current.CancellationToken;
        string gatewayDll = GatewayProcess.RequireGatewayDll();
        // The user's data folder is the only thing moved: ~/.local/share is $XDG_DATA_HOME when set.
        var environment = new Dictionary<string, string?>
        {
            ["XDG_DATA_HOME"] = Directory.CreateDirectory(_temp["xdg"]).FullName,
            ["Storage__DataDirectory"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        };
        string data = Path.Combine(_temp["xdg"], "maas");
        string elsewhere = Directory.CreateDirectory(_temp["elsewhere"]).FullName;

        var created = await MaasProcess.RunAsync(elsewhere, environment, "keys", "create", "--role", "admin", "--role", "app", "--name", "first-hour");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"store:  {Path.Combine(data, "maas.db")}", created.Output);
        string key = KeysOutput.Key(created.Output);
        int port = ChildProcess.FreePort();
        using var gateway = ChildProcess.Start("dotnet",
            [gatewayDll, "--urls", $"http://127.0.0.1:{port}", "--Storage:SeedDemoDataWhenEmpty", "false", "--Recommendations:BuildOnStart", "false"],
            SharedData.RepositoryRoot, "gateway (no settings)", environment: environment);
        var address = new Uri($"http://127.0.0.1:{port}");
        await gateway.WaitForUrlAsync(new Uri(address, "/v2/health/ready"), TimeSpan.FromSeconds(60), ct);
        using var client = new HttpClient { BaseAddress = address };
        using var anonymous = await client.GetAsync("/v1/keys", ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        using var listed = await client.SendAsync(request, ct);
        string keys = await listed.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"the key from 'maas keys create' was refused: {(int)listed.StatusCode} {keys}\n{gateway.Tail()}");
        Assert.Contains("first-hour", JsonNode.Parse(keys)!.AsArray().Select(k => k!["name"]!.GetValue<string>()));

        string repository = _temp["repo"];
        ExampleMlp.WriteTo(repository, 1, hiddenSizes: [16]);
        string name = "first-hour-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(repository, ExampleMlp.Name, "1", "card.json"), $$"""{ "name": "{{name}}" }""");
        var published = await MaasCli.RunAsync("publish", Path.Combine(repository, ExampleMlp.Name), "--gateway", address.ToString(), "--key", key);

        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.True(File.Exists(Path.Combine(data, "published", $"default.{name}", "1", "model.onnx")), $"not in {data}/published:\n{gateway.Tail()}");
        // Where gateways before one data location put it: the bundled models/ and the working directory's data/.
        var checkout = new[] { "models", "data", "src/MaaS.Gateway/data" }.Select(f => Path.Combine(SharedData.RepositoryRoot, f)).Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFileSystemEntries(f, $"*{name}*", SearchOption.AllDirectories)).ToList();
        Assert.True(checkout.Count == 0, "published into the checkout: " + string.Join(", ", checkout));
    }

    [Fact]
    public async Task KeysCreate_SqliteInAFolderThatDoesNotExist_RefusedNothingCreatedNoKey()
    {
        string missing = _temp["nope"];

        var run = await MaasCli.RunAsync("keys", "create", "--sqlite", Path.Combine(missing, "x.db"), "--role", "admin");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains($"the folder {missing} does not exist", run.Error);
        Assert.False(Directory.Exists(missing), $"{missing} was created");
        Assert.Empty(KeysOutput.Key(run.Output));
    }

    public void Dispose() => _temp.Dispose();
}
