using Google.Protobuf;
using Grpc.Core;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>Triton's ensembles over gRPC with the .NET client (<see cref="EnsembleModels"/>).</summary>
public sealed class GrpcEnsembleTests
{
    /// <summary>
    /// ModelInfer equals calling the members one after the other, a row the first step refuses is INVALID_ARGUMENT
    /// naming the step, and ModelConfig answers <c>ensemble_scheduling</c> (Triton's field 15) as HTTP's config does.
    /// </summary>
    [Fact]
    public async Task Ensemble_InferConfigAndRefusal_AsMembersAndHttpAnswer()
    {
        using var repository = new TestRepository().WithEnsembles();
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root }, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();
        var headers = new Metadata { { "x-api-key", GrpcGateway.AdminKey } };
        float[] raw = [0.5f, 1f, -2f, 8f, 3f, 2f, 1f, 0f];

        var standardised = await client.ModelInferAsync(Request("standardise", "x", raw, 4), headers, deadline: Deadline(), cancellationToken: ct);
        var classified = await client.ModelInferAsync(Request("classify", "features", Floats(standardised, "z"), 4), headers, deadline: Deadline(), cancellationToken: ct);
        var ensemble = await client.ModelInferAsync(Request("pipeline", "raw", raw, 4), headers, deadline: Deadline(), cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelInferAsync(Request("pipeline", "raw", [1f, 2f, 3f], 3), headers, deadline: Deadline(), cancellationToken: ct));
        var config = (await client.ModelConfigAsync(new ModelConfigRequest { Name = "pipeline" }, headers, deadline: Deadline(), cancellationToken: ct)).Config;
        var http = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/pipeline/config", null, ct);

        float[] expected = Floats(classified, "probs");
        float[] actual = Floats(ensemble, "probabilities");
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-6, $"{pair.First} vs {pair.Second}"));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("ensemble 'pipeline' step 0 ('standardise'): ", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(("ensemble", ""), (config.Platform, config.Backend));
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.EnsembleScheduling, config.SchedulingChoiceCase);
        var httpSteps = http["ensemble_scheduling"]!["step"]!.AsArray();
        Assert.Equal(httpSteps.Select(s => s!["model_name"]!.GetValue<string>()), config.EnsembleScheduling.Step.Select(s => s.ModelName));
        Assert.Equal(httpSteps.Select(s => s!["model_version"]!.GetValue<long>()), config.EnsembleScheduling.Step.Select(s => s.ModelVersion));
        Assert.Equal(httpSteps.Select(s => s!["output_map"]!.ToJsonString()), config.EnsembleScheduling.Step.Select(s => new JsonObject(s.OutputMap.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))).ToJsonString()));
        Assert.Equal("raw", config.EnsembleScheduling.Step[0].InputMap["x"]);
        Assert.Equal(http["input"]![0]!["name"]!.GetValue<string>(), config.Input.Single().Name);
    }

    private static ModelInferRequest Request(string model, string input, float[] data, int width)
    {
        var request = new ModelInferRequest { ModelName = model };
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input, Datatype = "FP32" };
        tensor.Shape.Add([data.Length / width, width]);
        request.Inputs.Add(tensor);
        request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())));
        return request;
    }

    private static float[] Floats(ModelInferResponse response, string output)
    {
        int index = response.Outputs.Select(o => o.Name).ToList().IndexOf(output);
        Assert.True(index >= 0, $"no output '{output}' in {response}");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(response.RawOutputContents[index].Span).ToArray();
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(1);
}
