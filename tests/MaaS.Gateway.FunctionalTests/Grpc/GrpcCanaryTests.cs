using Google.Protobuf;
using Grpc.Core;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>A canary set over HTTP splits gRPC's ModelInfer with an empty model_version; a named version is never redirected.</summary>
public sealed class GrpcCanaryTests
{
    [Fact]
    public async Task ModelInfer_CanaryAtHalf_EmptyVersionSplitNamedVersionKept()
    {
        using var repository = new TestRepository().WithMlpNamed("mlp", """{ "maxBatchSize": 8 }""", 1, 2);
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root }, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        using var set = await gateway.SendAsync(HttpMethod.Post, "/v2/repository/models/mlp/default", JsonNode.Parse("""{"version": 1, "canary": {"version": 2, "percent": 50}}"""), ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var client = gateway.Client();
        var headers = new Metadata { { "x-api-key", GrpcGateway.AdminKey } };

        async Task<string> InferAsync(string version)
        {
            var request = new ModelInferRequest { ModelName = "mlp", ModelVersion = version };
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
            tensor.Shape.Add([1, 8]);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(new byte[32]));
            return (await client.ModelInferAsync(request, headers, deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: ct)).ModelVersion;
        }

        var unversioned = new List<string>();
        var named = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            unversioned.Add(await InferAsync(""));
            named.Add(await InferAsync("1"));
        }

        // At 50 %, forty draws all on one side has a chance of 2 in 2^40.
        Assert.Equal(["1", "2"], unversioned.Distinct().Order());
        Assert.All(named, v => Assert.Equal("1", v));
    }
}
