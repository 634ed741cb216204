using System.Net;
using MaaS.Models.Examples;
using MaaS.TestSupport.Hosting;

namespace MaaS.Cli.Tests.Commands;

public sealed class PublishCommandTests(PublishGateway fixture) : IClassFixture<PublishGateway>, IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Publish_ModelFolderTwiceWithKeyFromKeysCreate_ListedWithBothVersionsAndTheCard()
    {
        var created = await MaasCli.RunAsync("keys", "create", "--sqlite", fixture.Database, "--tenant", "acme", "--role", "admin", "--role", "app");
        string key = KeysOutput.Key(created.Output);
        Assert.True(created.ExitCode == 0 && key.Length > 0, created.ToString());
        string repository = _temp["repo"];
        ExampleMlp.WriteTo(repository, 1, hiddenSizes: [16]);
        string model = Path.Combine(repository, ExampleMlp.Name);
        File.WriteAllText(Path.Combine(model, "1", "card.json"), """{ "name": "churn-cli", "metrics": { "auc": 0.81 } }""");

        var first = await MaasCli.RunAsync("publish", model, "--gateway", fixture.Url, "--key", key, "--visibility", "tenant");
        var second = await MaasCli.RunAsync("publish", Path.Combine(model, "1"), "--gateway", fixture.Url, "--key", key);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Published acme.churn-cli version 1 (owner acme, tenant)", first.Output);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Published acme.churn-cli version 2 (owner acme, private)", second.Output);
        var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/acme.churn-cli", key);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {body}");
        Assert.Equal([1L, 2L], body!["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<long>()));
        Assert.Equal("acme", body["owner"]!.GetValue<string>());
        Assert.True(body["ready"]!.GetValue<bool>(), body.ToJsonString());
        // What model.json added to the card (task, description, labels) and what card.json carried (metrics).
        Assert.Equal("classification", body["task"]!.GetValue<string>());
        Assert.Equal(ExampleMlp.Labels, body["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.StartsWith("Example dense MLP", body["description"]!.GetValue<string>());
        Assert.Equal(0.81, body["versions"]![1]!["card"]!["metrics"]!["auc"]!.GetValue<double>());
        Assert.Equal(File.ReadAllBytes(Path.Combine(model, "1", "model.onnx")), File.ReadAllBytes(Path.Combine(fixture.Gateway.Host.PublishedDirectory, "acme.churn-cli", "2", "model.onnx")));
    }

    [Fact]
    public async Task Publish_CardTheGatewayRefuses_ExitCode1WithProblemTitleAndDetail()
    {
        string version = WriteVersion("bad-labels", """{ "name": "bad-labels", "task": "classification", "labels": ["no", "yes"] }""");

        var run = await MaasCli.RunAsync("publish", version, "--gateway", fixture.Url, "--key", SecureGateway.BootstrapKey);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("400", run.Error);
        Assert.Contains("Invalid request: the card does not match the model: card has 2 labels", run.Error);
        var (response, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/bad-labels", SecureGateway.BootstrapKey);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Publish_OverTheTenantsModelQuota_ExitCode1WithConflict()
    {
        // Names are the tenant's own (tenant.name), so a publish can no longer collide with another tenant's model; the
        // 409 a client meets now is its quota.
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Market:MaxModelsPerTenant"] = "1" });
        const string Card = """{ "task": "classification", "labels": ["low", "medium", "high"] }""";
        string url = gateway.Host.Address.ToString();

        var first = await MaasCli.RunAsync("publish", WriteVersion("quota-one", Card), "--gateway", url, "--key", SecureGateway.BootstrapKey);
        var second = await MaasCli.RunAsync("publish", WriteVersion("quota-two", Card), "--gateway", url, "--key", SecureGateway.BootstrapKey);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains("409", second.Error);
        Assert.Contains("the most it may have (1)", second.Error);
    }

    [Fact]
    public async Task Publish_WithoutKey_ExitCode1Unauthorized()
    {
        string version = WriteVersion("no-key", """{ "task": "classification" }""");

        var run = await MaasCli.RunAsync("publish", version, "--gateway", fixture.Url);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("401", run.Error);
    }

    [Fact]
    public async Task Publish_GatewayUnreachable_ExitCode3AndSaysSo()
    {
        string version = WriteVersion("nowhere", """{ "task": "classification" }""");
        string url = $"http://127.0.0.1:{ChildProcess.FreePort()}";

        var run = await MaasCli.RunAsync("publish", version, "--gateway", url, "--key", SecureGateway.BootstrapKey);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"cannot reach the gateway at {url}", run.Error);
    }

    [Fact]
    public async Task Publish_MissingFolder_ExitCode2AndNamesIt()
    {
        string missing = _temp["no-such-model"];

        var run = await MaasCli.RunAsync("publish", missing, "--gateway", fixture.Url);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{missing}: no such folder", run.Error);
    }

    [Fact]
    public async Task Publish_FolderWithoutOnnx_ExitCode2()
    {
        string folder = Directory.CreateDirectory(_temp["empty/1"]).FullName;

        var run = await MaasCli.RunAsync("publish", _temp["empty"], "--gateway", fixture.Url);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("no model.onnx", run.Error);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public async Task Publish_CardNotJson_ExitCode2BeforeUploading()
    {
        string version = WriteVersion("broken-card", "{ nope");

        var run = await MaasCli.RunAsync("publish", version, "--gateway", fixture.Url, "--key", SecureGateway.BootstrapKey);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("card.json is not valid JSON", run.Error);
        Assert.DoesNotContain("Publishing", run.Output);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("127.0.0.1:8080")]
    public async Task Publish_GatewayNotHttpUrl_ExitCode2(string gateway)
    {
        string version = WriteVersion("any", """{ "task": "classification" }""");

        var run = await MaasCli.RunAsync("publish", version, "--gateway", gateway);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--gateway must be an absolute http(s) URL", run.Error);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A version folder <c>name/1</c> with a small example MLP and the given card.json.</summary>
    private string WriteVersion(string name, string card)
    {
        string version = Directory.CreateDirectory(_temp[Path.Combine(name, "1")]).FullName;
        File.WriteAllBytes(Path.Combine(version, "model.onnx"), ExampleMlp.BuildOnnx([16]));
        File.WriteAllText(Path.Combine(version, "card.json"), card);
        return version;
    }
}
