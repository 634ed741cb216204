namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Triton's ensembles over <c>/v2</c> on a real host (<see cref="EnsembleModels"/>): the answer equals calling the
/// members one after the other from the client, in JSON and in binary tensor data; a row the first step refuses is a
/// 400 naming the step; readiness follows a member's unload and load; config and metadata in Triton's shape.
/// </summary>
public sealed class EnsembleInferTests
{
    private const string PipelineInfer = "/v2/models/pipeline/infer";
    private static readonly float[] Raw = [0.5f, 1f, -2f, 8f, 3f, 2f, 1f, 0f];

    [Fact]
    public async Task Infer_JsonAndBinary_EqualMembersCalledOneAfterTheOther()
    {
        await using var host = GatewayHost.Start(r => r.WithEnsembles());
        var (_, standardised) = await host.PostJsonAsync("/v2/models/standardise/infer", V2Json.Infer("x", "FP32", [2, 4], Raw));
        float[] z = V2Json.Floats(V2Json.Output(standardised, "z"));
        var (_, classified) = await host.PostJsonAsync("/v2/models/classify/infer", V2Json.Infer("features", "FP32", [2, 4], z));
        float[] expected = V2Json.Floats(V2Json.Output(classified, "probs"));

        var (response, json) = await host.PostJsonAsync(PipelineInfer, V2Json.Infer("raw", "FP32", [2, 4], Raw, outputs: ["probabilities"]));
        string header = """{"inputs":[{"name":"raw","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}],"outputs":[{"name":"probabilities","parameters":{"binary_data":true}}]}""";
        var binary = await BinaryTensorClient.SendWithBlobsAsync(host, PipelineInfer, header, BinaryTensorClient.Bytes(Raw));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pipeline", json!["model_name"]!.GetValue<string>());
        var output = Assert.Single(json["outputs"]!.AsArray());
        Assert.Equal("probabilities", output!["name"]!.GetValue<string>());
        AssertClose(expected, V2Json.Floats(output), "JSON");
        Assert.Equal(HttpStatusCode.OK, binary.Status);
        AssertClose(expected, binary.Floats("probabilities"), "binary");
    }

    [Fact]
    public async Task Infer_RowTheFirstStepRefuses_400NamingTheStep()
    {
        await using var host = GatewayHost.Start(r => r.WithEnsembles());

        var (response, body) = await host.PostJsonAsync(PipelineInfer, V2Json.Infer("raw", "FP32", [1, 3], new[] { 1f, 2f, 3f }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("ensemble 'pipeline' step 0 ('standardise'): ", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_FollowsAMembersUnloadAndLoad()
    {
        await using var host = GatewayHost.Start(r => r.WithEnsembles());

        var before = await host.Client.GetAsync(new Uri("/v2/models/pipeline/ready", UriKind.Relative), TestCancellation.Ct);
        using var unload = await host.Client.PostAsync(new Uri("/v2/repository/models/classify/unload", UriKind.Relative), null, TestCancellation.Ct);
        var during = await host.Client.GetAsync(new Uri("/v2/models/pipeline/ready", UriKind.Relative), TestCancellation.Ct);
        var (refused, error) = await host.PostJsonAsync(PipelineInfer, V2Json.Infer("raw", "FP32", [2, 4], Raw));
        using var load = await host.Client.PostAsync(new Uri("/v2/repository/models/classify/load", UriKind.Relative), null, TestCancellation.Ct);
        var after = await host.Client.GetAsync(new Uri("/v2/models/pipeline/ready", UriKind.Relative), TestCancellation.Ct);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.True(unload.IsSuccessStatusCode, $"unload: {(int)unload.StatusCode}");
        Assert.NotEqual(HttpStatusCode.OK, during.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("step 1 ('classify')", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(load.IsSuccessStatusCode, $"load: {(int)load.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ConfigAndMetadata_EnsembleInTritonsShape_StatisticsCountBoth()
    {
        await using var host = GatewayHost.Start(r => r.WithEnsembles());
        await host.PostJsonAsync("/v2/models/branches/infer", V2Json.Infer("v", "FP32", [1, 3], new[] { 1f, 2f, 3f }));

        var (_, config) = await host.GetJsonAsync("/v2/models/branches/config");
        var (_, metadata) = await host.GetJsonAsync("/v2/models/branches");
        var (_, stats) = await host.GetJsonAsync("/v2/models/stats");

        Assert.Equal(("ensemble", ""), (config!["platform"]!.GetValue<string>(), config["backend"]!.GetValue<string>()));
        var steps = config["ensemble_scheduling"]!["step"]!.AsArray();
        Assert.Equal(["add", "double", "square"], steps.Select(s => s!["model_name"]!.GetValue<string>()));
        Assert.Equal(-1, steps[0]!["model_version"]!.GetValue<long>());
        Assert.Equal("total", steps[0]!["output_map"]!["sum"]!.GetValue<string>());
        Assert.Equal("v", config["input"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("TYPE_FP32", config["input"]![0]!["data_type"]!.GetValue<string>());
        Assert.Equal("ensemble", metadata!["platform"]!.GetValue<string>());
        Assert.Equal("total", metadata["outputs"]![0]!["name"]!.GetValue<string>());
        var counts = stats!["model_stats"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!["inference_count"]!.GetValue<long>());
        Assert.True(counts["branches"] == 1 && counts["double"] == 1 && counts["square"] == 1 && counts["add"] == 1, string.Join(", ", counts));
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"{what}, element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
