namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// <c>POST /v2/repository/models/{name}/default</c> with a canary: the split it makes and the statistics that watch it,
/// promotion, the refusals, the fallback when the canary stops, sequences kept on one version, and the policy kept
/// across a restart.
/// </summary>
public sealed class VersionPolicyEndpointsTests
{
    private static readonly string OneRow = V2Json.Infer("input", "FP32", [1, 8], new float[8]);

    private static async Task<string> InferVersionAsync(GatewayHost host, string model = "mlp")
    {
        var (response, body) = await host.PostJsonAsync($"/v2/models/{model}/infer", OneRow);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return body!["model_version"]!.GetValue<string>();
    }

    private static async Task<long> InferenceCountAsync(GatewayHost host, string version)
    {
        var (_, stats) = await host.GetJsonAsync($"/v2/models/mlp/versions/{version}/stats");
        return stats!["model_stats"]![0]!["inference_count"]!.GetValue<long>();
    }

    [Fact]
    public async Task Canary_TenPercentOf1000_SplitWithinTheBinomialBoundInTheStatisticsThenPromoted()
    {
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2));

        var (set, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{"version": 1, "canary": {"version": 2, "percent": 10}}""");
        var (_, model) = await host.GetJsonAsync("/v1/models/mlp");
        var versions = new List<string>();
        for (int batch = 0; batch < 50; batch++)
        {
            versions.AddRange(await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => InferVersionAsync(host))));
        }

        long one = await InferenceCountAsync(host, "1"), two = await InferenceCountAsync(host, "2");
        var (promote, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{"version": 2}""");
        var (_, promoted) = await host.GetJsonAsync("/v1/models/mlp");

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(1, model!["policy"]!["pinnedVersion"]!.GetValue<long>());
        Assert.Equal(2, model["policy"]!["canary"]!["version"]!.GetValue<long>());
        Assert.Equal(10, model["policy"]!["canary"]!["percent"]!.GetValue<int>());
        Assert.True(model["policy"]!["canary"]!["serving"]!.GetValue<bool>());
        // Mean 100, standard deviation √(1000 · 0.1 · 0.9) ≈ 9.5: five of them either side.
        int canary = versions.Count(v => v == "2");
        Assert.InRange(canary, 53, 147);
        Assert.Equal((1000 - canary, canary), (one, two));
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(2, promoted!["policy"]!["pinnedVersion"]!.GetValue<long>());
        Assert.Null(promoted["policy"]!["canary"]);
        Assert.Equal("2", await InferVersionAsync(host));
    }

    [Theory]
    [InlineData("""{"version": 1, "canary": {"version": 3, "percent": 10}}""", "canary.version")]
    [InlineData("""{"canary": {"version": 2, "percent": 10}}""", "canary.version")]
    [InlineData("""{"version": 1, "canary": {"version": 2, "percent": 0}}""", "canary.percent")]
    [InlineData("""{"version": 1, "canary": {"version": 2, "percent": 100}}""", "canary.percent")]
    [InlineData("""{"version": 1, "canary": {"version": 2}}""", "canary.percent")]
    [InlineData("""{"version": 1, "canary": {"version": 1, "percent": 5}}""", "canary.version")]
    [InlineData("""{"version": 1, "canary": 2}""", "canary")]
    [InlineData("""{"version": "1"}""", "version")]
    public async Task SetPolicy_BadCanary_400NamingTheFieldAndNothingChanged(string body, string field)
    {
        // Version 3 is on disk but unloaded: not ready.
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2, 3));
        await host.PostJsonAsync("/v2/repository/models/mlp/versions/3/unload", "");
        await host.PostJsonAsync("/v2/repository/models/mlp/default", """{"version": 2}""");

        var (response, error) = await host.PostJsonAsync("/v2/repository/models/mlp/default", body);
        var (_, model) = await host.GetJsonAsync("/v1/models/mlp");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(field, error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, model!["policy"]!["pinnedVersion"]!.GetValue<long>());
        Assert.Null(model["policy"]!["canary"]);
    }

    [Fact]
    public async Task SetPolicy_UnknownModel_404()
    {
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2));

        var (response, error) = await host.PostJsonAsync("/v2/repository/models/nope/default", """{"canary": {"version": 2, "percent": 10}}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nope", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canary_UnloadedLater_ItsShareGoesToTheDefaultAndGetSaysWhy()
    {
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2));
        await host.PostJsonAsync("/v2/repository/models/mlp/default", """{"version": 1, "canary": {"version": 2, "percent": 99}}""");

        var (unload, _) = await host.PostJsonAsync("/v2/repository/models/mlp/versions/2/unload", "");
        var served = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => InferVersionAsync(host)));
        var (_, model) = await host.GetJsonAsync("/v1/models/mlp");
        var (end, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{"canary": null}""");
        var (_, ended) = await host.GetJsonAsync("/v1/models/mlp");

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.All(served, v => Assert.Equal("1", v));
        var canary = model!["policy"]!["canary"]!;
        Assert.False(canary["serving"]!.GetValue<bool>());
        Assert.Contains("version 2 is not ready: unloaded; its share goes to the default version", canary["fallback"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Null(ended!["policy"]!["canary"]);
        Assert.Equal(1, ended["policy"]!["pinnedVersion"]!.GetValue<long>());
    }

    [Fact]
    public async Task Canary_Sequences_EachStaysOnOneVersionForItsLife()
    {
        await using var host = GatewayHost.Start(r =>
        {
            r.WithExampleSession();
            string folder = Path.Combine(r.Root, ExampleSession.Name);
            Directory.CreateDirectory(Path.Combine(folder, "2"));
            File.Copy(Path.Combine(folder, "1", "model.onnx"), Path.Combine(folder, "2", "model.onnx"));
        });
        var (set, _) = await host.PostJsonAsync($"/v2/repository/models/{ExampleSession.Name}/default", """{"version": 1, "canary": {"version": 2, "percent": 50}}""");

        async Task<HashSet<string>> SequenceAsync(ulong id)
        {
            var versions = new HashSet<string>();
            for (int step = 0; step < 4; step++)
            {
                var body = new JsonObject
                {
                    ["inputs"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "item", ["datatype"] = "FP32", ["shape"] = new JsonArray(1, ExampleSession.Features),
                        ["data"] = new JsonArray([.. Enumerable.Range(0, ExampleSession.Features).Select(i => (JsonNode)(i == step ? 1f : 0f))]),
                    }),
                    ["parameters"] = new JsonObject { ["sequence_id"] = id, ["sequence_start"] = step == 0, ["sequence_end"] = step == 3 },
                };
                var (response, answer) = await host.PostJsonAsync($"/v2/models/{ExampleSession.Name}/infer", body.ToJsonString());
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"sequence {id} step {step}: {(int)response.StatusCode} {answer}");
                versions.Add(answer!["model_version"]!.GetValue<string>());
            }

            return versions;
        }

        var sequences = await Task.WhenAll(Enumerable.Range(1, 24).Select(i => SequenceAsync(9000 + (ulong)i)));

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.All(sequences, versions => Assert.Single(versions));
        Assert.Equal(["1", "2"], sequences.Select(v => v.Single()).Distinct().Order());
    }

    [Fact]
    public async Task Pin_SecondGatewayOnTheSameSqliteFile_StillPinnedWithItsCanary()
    {
        string data = Path.Combine(Path.GetTempPath(), "maas-policy-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = data };
        try
        {
            await using (var first = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2, 3), settings))
            {
                var (set, _) = await first.PostJsonAsync("/v2/repository/models/mlp/default", """{"version": 1, "canary": {"version": 2, "percent": 30}}""");
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            }

            await using var second = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2, 3), settings);
            var (_, model) = await second.GetJsonAsync("/v1/models/mlp");
            var served = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => InferVersionAsync(second)));

            Assert.Equal(1, model!["policy"]!["pinnedVersion"]!.GetValue<long>());
            Assert.Equal(2, model["policy"]!["canary"]!["version"]!.GetValue<long>());
            Assert.Equal(30, model["policy"]!["canary"]!["percent"]!.GetValue<int>());
            Assert.DoesNotContain("3", served);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
