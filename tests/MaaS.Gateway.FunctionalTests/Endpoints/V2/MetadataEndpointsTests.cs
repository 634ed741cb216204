namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

public sealed class MetadataEndpointsTests
{
    [Fact]
    public async Task ServerMetadataAndHealth_Ok()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (metadata, body) = await host.GetJsonAsync("/v2");
        var live = await host.Client.GetAsync("/v2/health/live", TestContext.Current.CancellationToken);
        var ready = await host.Client.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        Assert.Equal("maas", body!["name"]!.GetValue<string>());
        Assert.Contains("model_repository", body["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Contains("statistics", body["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>
    /// Triton's list (its server.cc, in its order) less what MaaS does not serve: cuda_shared_memory (refused, no GPUs),
    /// model_repository(unload_dependents) (unload reads no such parameter) and parameters (custom parameters reach no
    /// model); system_shared_memory only while the extension is on.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerMetadata_ListsTritonsExtensionsItServes_NoneItDoesNot(bool sharedMemory)
    {
        string[] triton = ["classification", "sequence", "model_repository", "model_repository(unload_dependents)", "schedule_policy",
            "model_configuration", "system_shared_memory", "cuda_shared_memory", "binary_tensor_data", "parameters", "statistics", "trace", "logging"];
        string[] notServed = ["model_repository(unload_dependents)", "cuda_shared_memory", "parameters", .. sharedMemory ? Array.Empty<string>() : ["system_shared_memory"]];
        await using var host = GatewayHost.Start(r => r.WithExampleMlp(), new Dictionary<string, string?> { ["Serving:SharedMemory:Enabled"] = sharedMemory ? "true" : "false" });

        var (_, body) = await host.GetJsonAsync("/v2");

        var listed = body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(triton.Except(notServed).Order(StringComparer.Ordinal).ToArray(), listed);
    }

    [Fact]
    public async Task HealthReady_StrictReadinessWithBrokenModel_503()
    {
        await using var host = GatewayHost.Start(
            r => r.WithExampleMlp().WithGarbage(),
            new Dictionary<string, string?> { ["Serving:StrictReadiness"] = "true" });

        var ready = await host.Client.GetAsync("/v2/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task ModelMetadata_ExampleMlp_TritonShape()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.GetJsonAsync("/v2/models/example-mlp");
        var (versioned, versionedBody) = await host.GetJsonAsync("/v2/models/example-mlp/versions/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("example-mlp", body!["name"]!.GetValue<string>());
        Assert.Equal(["1"], body["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("onnxruntime_onnx", body["platform"]!.GetValue<string>());
        var input = body["inputs"]!.AsArray().Single()!;
        Assert.Equal("input", input["name"]!.GetValue<string>());
        Assert.Equal("FP32", input["datatype"]!.GetValue<string>());
        Assert.Equal([-1L, 8L], input["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(["logits", "probabilities"], body["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal("CPUExecutionProvider", body["parameters"]!["execution_provider"]!.GetValue<string>());
        Assert.Equal(["low", "medium", "high"], body["parameters"]!["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
        Assert.Equal(body["inputs"]!.ToJsonString(), versionedBody!["inputs"]!.ToJsonString());
    }

    [Fact]
    public async Task ModelConfig_ExampleMlp_TritonShapeWithoutBatchAxis()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.GetJsonAsync("/v2/models/example-mlp/config");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(64, body!["max_batch_size"]!.GetValue<int>());
        Assert.Equal("onnxruntime", body["backend"]!.GetValue<string>());
        var input = body["input"]!.AsArray().Single()!;
        Assert.Equal("TYPE_FP32", input["data_type"]!.GetValue<string>());
        Assert.Equal([8L], input["dims"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(500, body["dynamic_batching"]!["max_queue_delay_microseconds"]!.GetValue<int>());
        Assert.Equal("""[{"count":1,"kind":"KIND_CPU"}]""", body["instance_group"]!.ToJsonString());
    }

    [Theory]
    [InlineData("/v2/models/ghost", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/ghost/config", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/example-mlp/versions/3", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/example-mlp/versions/abc", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/ghost/ready", HttpStatusCode.NotFound)]
    public async Task ModelMetadata_UnknownOrInvalid_ErrorBody(string path, HttpStatusCode expected)
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.GetJsonAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body!["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ModelReady_ReadyModelAndVersion_200()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var model = await host.Client.GetAsync("/v2/models/example-mlp/ready", TestContext.Current.CancellationToken);
        var version = await host.Client.GetAsync("/v2/models/example-mlp/versions/1/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, model.StatusCode);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task ListModels_AllModelsWithReadiness()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp().WithGarbage());

        var (response, body) = await host.GetJsonAsync("/v2/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var models = body!["models"]!.AsArray();
        Assert.Equal(["broken", "example-mlp"], models.Select(m => m!["name"]!.GetValue<string>()));
        Assert.False(models[0]!["ready"]!.GetValue<bool>());
        Assert.True(models[1]!["ready"]!.GetValue<bool>());
        Assert.Equal("1", models[1]!["default_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Statistics_AfterInference_TritonShape()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        await host.PostJsonAsync("/v2/models/example-mlp/infer", V2Json.Infer("input", "FP32", [3, 8], new float[24]));
        await host.PostJsonAsync("/v2/models/example-mlp/infer", V2Json.Infer("input", "FP32", [2, 8], new float[15]));

        var (response, body) = await host.GetJsonAsync("/v2/models/example-mlp/versions/1/stats");
        var (_, all) = await host.GetJsonAsync("/v2/models/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = body!["model_stats"]!.AsArray().Single()!;
        Assert.Equal("example-mlp", stats["name"]!.GetValue<string>());
        Assert.Equal("1", stats["version"]!.GetValue<string>());
        Assert.Equal(3, stats["inference_count"]!.GetValue<long>());
        Assert.Equal(1, stats["execution_count"]!.GetValue<long>());
        Assert.True(stats["last_inference"]!.GetValue<long>() > 0);
        var inference = stats["inference_stats"]!;
        Assert.Equal(1, inference["success"]!["count"]!.GetValue<long>());
        Assert.True(inference["success"]!["ns"]!.GetValue<long>() > 0);
        foreach (string phase in new[] { "fail", "queue", "compute_input", "compute_infer", "compute_output" })
        {
            Assert.NotNull(inference[phase]!["count"]);
            Assert.NotNull(inference[phase]!["ns"]);
        }

        var batch = stats["batch_stats"]!.AsArray().Single()!;
        Assert.Equal(3, batch["batch_size"]!.GetValue<int>());
        Assert.Equal(1, batch["compute_infer"]!["count"]!.GetValue<long>());
        Assert.Single(all!["model_stats"]!.AsArray());
    }
}
