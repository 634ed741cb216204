namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class RepositoryEndpointsTests
{
    private static readonly string OneRow = V2Json.Infer("input", "FP32", [1, 8], new float[8]);

    [Fact]
    public async Task Index_BrokenModelFile_UnavailableWithReasonWhileOthersServe()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp().WithGarbage("broken"));

        var (indexResponse, index) = await host.PostJsonAsync("/v2/repository/index", "{}");
        var (inferResponse, _) = await host.PostJsonAsync("/v2/models/example-mlp/infer", OneRow);
        var (brokenInfer, brokenBody) = await host.PostJsonAsync("/v2/models/broken/infer", OneRow);
        var brokenReady = await host.Client.GetAsync("/v2/models/broken/ready", TestContext.Current.CancellationToken);
        var serverReady = await host.Client.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, indexResponse.StatusCode);
        var entries = index!.AsArray();
        var broken = entries.Single(e => e!["name"]!.GetValue<string>() == "broken")!;
        Assert.Equal("UNAVAILABLE", broken["state"]!.GetValue<string>());
        Assert.Equal("1", broken["version"]!.GetValue<string>());
        Assert.Contains("Protobuf", broken["reason"]!.GetValue<string>());
        Assert.DoesNotContain(host.Repository.Root, broken["reason"]!.GetValue<string>());
        var mlp = entries.Single(e => e!["name"]!.GetValue<string>() == "example-mlp")!;
        Assert.Equal("READY", mlp["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, inferResponse.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, brokenInfer.StatusCode);
        Assert.Contains("not ready", brokenBody!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, brokenReady.StatusCode);
        Assert.Equal(HttpStatusCode.OK, serverReady.StatusCode);
    }

    [Fact]
    public async Task Index_ReadyOnly_ListsOnlyReadyVersions()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp().WithGarbage("broken"));

        var (_, index) = await host.PostJsonAsync("/v2/repository/index", """{ "ready": true }""");

        Assert.Equal(["example-mlp"], index!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task UnloadThenLoad_ModelUnavailableThenServesAgain()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (unload, unloadBody) = await host.PostJsonAsync("/v2/repository/models/example-mlp/unload", "");
        var (afterUnload, _) = await host.PostJsonAsync("/v2/models/example-mlp/infer", OneRow);
        var (_, index) = await host.PostJsonAsync("/v2/repository/index", "");
        var (load, _) = await host.PostJsonAsync("/v2/repository/models/example-mlp/load", "");
        var (afterLoad, _) = await host.PostJsonAsync("/v2/models/example-mlp/infer", OneRow);

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Null(unloadBody);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterUnload.StatusCode);
        var entry = index!.AsArray().Single()!;
        Assert.Equal("UNAVAILABLE", entry["state"]!.GetValue<string>());
        Assert.Equal("unloaded", entry["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterLoad.StatusCode);
    }

    [Fact]
    public async Task Load_UnknownModel_404AndBrokenModel_400WithReason()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp().WithGarbage("broken"));

        var (unknown, unknownBody) = await host.PostJsonAsync("/v2/repository/models/ghost/load", "");
        var (broken, brokenBody) = await host.PostJsonAsync("/v2/repository/models/broken/load", "");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("ghost", unknownBody!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("failed to load 'broken'", brokenBody!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Load_ModelAddedAfterStart_Serves()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        host.Repository.WithMixedTypes("late");

        var (before, _) = await host.PostJsonAsync("/v2/models/late/infer", OneRow);
        var (load, _) = await host.PostJsonAsync("/v2/repository/models/late/load", "");
        var (metadata, body) = await host.GetJsonAsync("/v2/models/late");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal(["ids", "scale"], body!["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SetDefaultVersion_Rollback_UnversionedRequestsGoToPinnedVersion()
    {
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2));

        var (_, before) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);
        var (pin, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{ "version": 1 }""");
        var (_, pinned) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);
        var (_, metadata) = await host.GetJsonAsync("/v2/models/mlp");
        var (missing, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{ "version": 9 }""");
        var (unpin, _) = await host.PostJsonAsync("/v2/repository/models/mlp/default", """{ "version": null }""");
        var (_, after) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        Assert.Equal("2", before!["model_version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, pin.StatusCode);
        Assert.Equal("1", pinned!["model_version"]!.GetValue<string>());
        Assert.Equal("1", metadata!["parameters"]!["default_version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unpin.StatusCode);
        Assert.Equal("2", after!["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnloadVersion_VersionedRouteUnavailableOtherVersionServes()
    {
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2));

        var (unload, _) = await host.PostJsonAsync("/v2/repository/models/mlp/versions/2/unload", "");
        var (v2, _) = await host.PostJsonAsync("/v2/models/mlp/versions/2/infer", OneRow);
        var (_, unversioned) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);
        var (reload, _) = await host.PostJsonAsync("/v2/repository/models/mlp/versions/2/load", "");
        var (_, again) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, v2.StatusCode);
        Assert.Equal("1", unversioned!["model_version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Equal("2", again!["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Load_ReloadDuringTraffic_EveryRequestAnswered()
    {
        // A reload swaps in freshly loaded sessions; requests already holding the old version finish on it.
        await using var host = GatewayHost.Start(r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1));
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 8).Select(async _ =>
        {
            var statuses = new List<HttpStatusCode>();
            while (!stop.IsCancellationRequested)
            {
                var (response, _) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }).ToList();

        for (int i = 0; i < 3; i++)
        {
            var (reload, _) = await host.PostJsonAsync("/v2/repository/models/mlp/load", "");
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }

        await stop.CancelAsync();
        var all = (await Task.WhenAll(traffic)).SelectMany(s => s).ToList();
        Assert.NotEmpty(all);
        Assert.All(all, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Poll_NewVersionFolder_SwappedInAsDefault()
    {
        await using var host = GatewayHost.Start(
            r => r.WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1),
            new Dictionary<string, string?> { ["Serving:PollIntervalSeconds"] = "0.1" });
        var (_, before) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        host.Repository.WriteModel("mlp", 2, ExampleMlp.BuildOnnx(), null);
        JsonNode? metadata = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            (_, metadata) = await host.GetJsonAsync("/v2/models/mlp");
            if (metadata!["versions"]!.AsArray().Count == 2)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var (_, after) = await host.PostJsonAsync("/v2/models/mlp/infer", OneRow);

        Assert.Equal("1", before!["model_version"]!.GetValue<string>());
        Assert.Equal(["1", "2"], metadata!["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("2", after!["model_version"]!.GetValue<string>());
    }
}
