using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// What docker-compose.yml promises, on the topology that mirrors it: models published through nginx land in the
/// shared published folder (never the read-only bundled one) and every replica serves them; nginx never runs a POST
/// twice when the replica it went to dies mid-request.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class ComposeTopologyTests(ReplicaTopology topology)
{
    [Fact]
    public async Task Publish_ThroughNginx_LandsInThePublishedFolderAndBothReplicasServeIt()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        string bundledBefore = Listing(topology.ModelsDirectory);
        using var balanced = new HttpClient { BaseAddress = topology.LoadBalancer };
        string card = SecureGateway.MlpCard("compose-" + Guid.NewGuid().ToString("N")[..8], "public");

        using var published = await balanced.PostAsync("/v1/models", Upload(ExampleMlp.BuildOnnx([16]), card), ct);
        var body = await published.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.True(published.StatusCode == HttpStatusCode.Created, $"{(int)published.StatusCode} {body}");
        string name = body!["name"]!.GetValue<string>();
        Assert.True(File.Exists(Path.Combine(topology.PublishedDirectory, name, "1", "model.onnx")),
            $"{name} is not in the shared published folder {topology.PublishedDirectory}: {Listing(topology.PublishedDirectory)}");
        Assert.Equal(bundledBefore, Listing(topology.ModelsDirectory));
        var outputs = new List<string>();
        foreach (var replica in topology.Replicas)
        {
            using var client = new HttpClient { BaseAddress = replica.Address };
            await WaitForOkAsync(client, $"/v2/models/{name}/versions/1/ready", TimeSpan.FromSeconds(30), ct);
            using var inferred = await client.PostAsync($"/v2/models/{name}/infer", new StringContent(SecureGateway.MlpInferBody, Encoding.UTF8, "application/json"), ct);
            var result = await inferred.Content.ReadFromJsonAsync<JsonObject>(ct);
            Assert.True(inferred.StatusCode == HttpStatusCode.OK, $"{replica.Address}: {(int)inferred.StatusCode} {result}");
            outputs.Add(result!["outputs"]!.ToJsonString());
        }

        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public async Task Post_ReplicaDiesMidRequest_NotRetriedOnTheOtherReplica()
    {
        await topology.RequireAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var dying = new DyingUpstream(topology.Replicas[0].Address);
        string directory = Directory.CreateTempSubdirectory("maas-nginx-").FullName;
        try
        {
            // docker/nginx.conf again, over the dying replica and a healthy one.
            using var nginx = await NginxProcess.StartAsync(NginxProcess.FindNginx()!, directory, [dying.Address, topology.Replicas[1].Address], ct);
            using var client = new HttpClient { BaseAddress = nginx.Address };
            var answers = new List<(string Name, HttpStatusCode Status, bool Swallowed)>();
            // Round robin sends one of the first two requests to the dying replica; then it is out for fail_timeout.
            for (int attempt = 0; attempt < 4 && dying.Swallowed == 0; attempt++)
            {
                string name = "retry-probe-" + Guid.NewGuid().ToString("N")[..8];
                int before = dying.Swallowed;
                using var response = await client.PostAsync("/v1/keys",
                    new StringContent($$"""{"name":"{{name}}","tenant":"default","roles":["app"]}""", Encoding.UTF8, "application/json"), ct);
                answers.Add((name, response.StatusCode, dying.Swallowed > before));
            }

            var counts = await KeyCountsAsync(answers.Select(a => a.Name), ct);
            string report = string.Join("; ", answers.Select(a => $"{a.Name}: {(int)a.Status}, swallowed {a.Swallowed}, {counts[a.Name]} key(s) stored"));
            var died = Assert.Single(answers, a => a.Swallowed);
            // The work was done once, by the replica that died; nginx told the client instead of doing it again.
            Assert.True(died.Status == HttpStatusCode.BadGateway && counts[died.Name] == 1, report);
            Assert.All(answers.Where(a => !a.Swallowed), a => Assert.True(a.Status == HttpStatusCode.Created && counts[a.Name] == 1, report));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static MultipartFormDataContent Upload(byte[] onnx, string card)
    {
        var file = new ByteArrayContent(onnx);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "model", "model.onnx" }, { new StringContent(card, Encoding.UTF8, "application/json"), "card" } };
    }

    /// <summary>How many keys of the operator tenant carry each name, read from the replicas' PostgreSQL schema.</summary>
    private async Task<Dictionary<string, int>> KeyCountsAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var opened = await MaaS.Storage.Postgres.PostgresStorage.OpenAsync(
            new MaaS.Storage.Postgres.PostgresStorageOptions { ConnectionString = topology.ConnectionString, Schema = topology.Schema },
            new MaaS.Storage.Privacy.PrivacyOptions { UserKey = ReplicaTopology.UserKey }, cancellationToken: cancellationToken);
        Assert.True(opened.IsSuccess, opened.ToString());
        await using var storage = opened.Value;
        var keys = await storage.Keys.ListAllAsync("default", cancellationToken: cancellationToken);
        Assert.True(keys.IsSuccess, keys.ToString());
        return names.ToDictionary(n => n, n => keys.Value.Count(k => k.Name == n));
    }

    /// <summary>Every file under <paramref name="root"/> with its size, one per line.</summary>
    private static string Listing(string root) => !Directory.Exists(root) ? "(none)" : string.Join('\n',
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(root, f)} {new FileInfo(f).Length}"));

    private static async Task WaitForOkAsync(HttpClient client, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync(path, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{client.BaseAddress}{path}: {(int)response.StatusCode} after {timeout.TotalSeconds} s");
            await Task.Delay(200, cancellationToken);
        }
    }
}
