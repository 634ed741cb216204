using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using MaaS.Gateway.Grpc;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// The gRPC refusals and views that the Node test does not reach, with the .NET client over the generated stubs: the
/// per-key rate limit as RESOURCE_EXHAUSTED with its message, another tenant's private model as NOT_FOUND, statistics and
/// their refusals, reflection.
/// </summary>
public sealed class GrpcStatusTests
{
    [Fact]
    public async Task ModelInfer_KeyOverItsRate_ResourceExhaustedWithMessage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        string key = await gateway.CreateKeyAsync(["app"], ct, limits: new JsonObject { ["requestsPerSecond"] = 0.2, ["burst"] = 1 });
        var client = gateway.Client();
        var headers = new Metadata { { "x-api-key", key } };

        var first = await client.ModelInferAsync(MlpRequest(), headers, deadline: Deadline(), cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(MlpRequest(), headers, deadline: Deadline(), cancellationToken: ct));

        Assert.True(first.Outputs.Count > 0 && first.RawOutputContents.Count == first.Outputs.Count, first.ToString());
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("rate", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_TenantSpentItsWorkBudgetOnALargeBatch_ResourceExhaustedOtherTenantServed()
    {
        var ct = TestContext.Current.CancellationToken;
        // 50 units saved up and almost no refill: a one-row call costs 2, a 64-row batch 65 (one per row + one per
        // 1,000 elements), charged to the tenant's budget as over /v2.
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string>
        {
            ["Auth:Admission:CostPerSecond"] = "0.01",
            ["Auth:Admission:CostBurst"] = "50",
        }, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        string heavy = await gateway.CreateKeyAsync(["app"], ct, tenant: "heavy");
        string light = await gateway.CreateKeyAsync(["app"], ct, tenant: "light");
        var client = gateway.Client();
        var heavyHeaders = new Metadata { { "x-api-key", heavy } };

        for (int i = 0; i < 5; i++)
        {
            await client.ModelInferAsync(MlpRequest(), heavyHeaders, deadline: Deadline(), cancellationToken: ct);
        }

        var batch = await client.ModelInferAsync(MlpRequest(rows: 64), heavyHeaders, deadline: Deadline(), cancellationToken: ct);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(MlpRequest(), heavyHeaders, deadline: Deadline(), cancellationToken: ct));
        var other = await client.ModelInferAsync(MlpRequest(), new Metadata { { "x-api-key", light } }, deadline: Deadline(), cancellationToken: ct);

        Assert.Equal(64, batch.Outputs[0].Shape[0]);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("tenant 'heavy' has spent its work budget", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(other.Outputs.Count > 0, other.ToString());
    }

    [Fact]
    public async Task ModelStatistics_TheVersionsHttpReads_UnknownModelAndUnloadedVersionNotFound()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();
        var headers = new Metadata { { "x-api-key", GrpcGateway.AdminKey } };
        await client.ModelInferAsync(MlpRequest(), headers, deadline: Deadline(), cancellationToken: ct);

        var all = await client.ModelStatisticsAsync(new ModelStatisticsRequest(), headers, deadline: Deadline(), cancellationToken: ct);
        var http = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/stats", null, ct);
        var one = await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "example-mlp", Version = "1" }, headers, deadline: Deadline(), cancellationToken: ct);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "ghost" }, headers, deadline: Deadline(), cancellationToken: ct));
        var unloaded = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "example-mlp", Version = "9" }, headers, deadline: Deadline(), cancellationToken: ct));

        Assert.Equal(
            http["model_stats"]!.AsArray().Select(s => $"{s!["name"]}/{s["version"]}").Order(StringComparer.Ordinal),
            all.ModelStats.Select(s => $"{s.Name}/{s.Version}").Order(StringComparer.Ordinal));
        var mlp = Assert.Single(one.ModelStats);
        Assert.True(mlp is { Name: "example-mlp", Version: "1", InferenceCount: >= 1 }, mlp.ToString());
        Assert.Equal((StatusCode.NotFound, "unknown model: 'ghost'"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.Equal((StatusCode.NotFound, "version 9 of model 'example-mlp' is not loaded"), (unloaded.StatusCode, unloaded.Status.Detail));
    }

    [Fact]
    public async Task ModelMetadataAndInfer_AnotherTenantsPrivateModel_NotFoundLikeAnUnknownOne()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        string globex = await gateway.CreateKeyAsync(["admin", "app"], ct, tenant: "globex");
        string acme = await gateway.CreateKeyAsync(["admin", "app"], ct, tenant: "acme");
        await PublishAsync(gateway, globex, "secret", ct);
        var client = gateway.Client();
        var owner = new Metadata { { "authorization", "Bearer " + globex } };
        var stranger = new Metadata { { "authorization", "Bearer " + acme } };

        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "globex.secret" }, owner, deadline: Deadline(), cancellationToken: ct);
        var hidden = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "globex.secret" }, stranger, deadline: Deadline(), cancellationToken: ct));
        var hiddenInfer = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelInferAsync(MlpRequest("globex.secret"), stranger, deadline: Deadline(), cancellationToken: ct));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "globex.nothing" }, stranger, deadline: Deadline(), cancellationToken: ct));
        var unloadByStranger = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "globex.secret" }, stranger, deadline: Deadline(), cancellationToken: ct));
        var index = await client.RepositoryIndexAsync(new RepositoryIndexRequest(), stranger, deadline: Deadline(), cancellationToken: ct);

        Assert.Equal("globex.secret", metadata.Name);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(StatusCode.NotFound, hiddenInfer.StatusCode);
        Assert.Equal(unknown.StatusCode, hidden.StatusCode);
        Assert.Equal(StatusCode.NotFound, unloadByStranger.StatusCode);
        Assert.DoesNotContain(index.Models, m => m.Name == "globex.secret");
    }

    [Fact]
    public async Task Reflection_WithoutKey_ListsTheInferenceService()
    {
        var answer = await ReflectAsync(new ServerReflectionRequest { ListServices = string.Empty });

        Assert.Contains("inference.GRPCInferenceService", answer.ListServicesResponse.Service.Select(s => s.Name));
    }

    /// <summary>What a reflecting client (grpcurl, Postman) learns of the service: its file descriptor names every method
    /// the gateway serves, the bidirectional ModelStreamInfer among them, with the message types it streams.</summary>
    [Fact]
    public async Task Reflection_FileContainingTheService_DescribesEveryMethodWithTheStream()
    {
        var answer = await ReflectAsync(new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        var files = answer.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes)).ToList();
        var service = files.SelectMany(f => f.Service).Single(s => s.Name == "GRPCInferenceService");
        var methods = service.Method.ToDictionary(m => m.Name);

        Assert.Equal(
            GRPCInferenceService.Descriptor.Methods.Select(m => m.Name).Order(StringComparer.Ordinal),
            methods.Keys.Order(StringComparer.Ordinal));
        var stream = methods["ModelStreamInfer"];
        Assert.True(stream.ClientStreaming && stream.ServerStreaming, stream.ToString());
        Assert.Equal((".inference.ModelInferRequest", ".inference.ModelStreamInferResponse"), (stream.InputType, stream.OutputType));
        var unary = methods["ModelInfer"];
        Assert.False(unary.ClientStreaming || unary.ServerStreaming, unary.ToString());
    }

    /// <summary>One reflection request without a key, on a fresh gateway; its first answer.</summary>
    private static async Task<ServerReflectionResponse> ReflectAsync(ServerReflectionRequest request)
    {
        var ct = TestContext.Current.CancellationToken;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        using var channel = gateway.Channel();
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo(deadline: Deadline(), cancellationToken: ct);
        await call.RequestStream.WriteAsync(request, ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(ct));
        return call.ResponseStream.Current;
    }

    [Fact]
    public async Task Start_GrpcPortOutOfRange_FailsNamingTheSetting()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.SkipWhen(MaaS.TestSupport.Processes.GatewayProcess.FindGatewayDll() is null, "the gateway is not built");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            (await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Grpc:Port"] = "70000" }, ct))?.Dispose());

        Assert.Contains("GrpcOptions", failure.Message, StringComparison.Ordinal);
        Assert.Contains("65535", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", 8081, "http://127.0.0.1:8081")]
    [InlineData("http://+:8080;http://localhost:9000", 9001, "http://+:9001")]
    [InlineData("http://[::1]:5000/", 5001, "http://[::1]:5001")]
    [InlineData("http://*", 8081, "http://*:8081")]
    public void GrpcUrl_FirstHttpUrl_SameHostOtherPort(string urls, int port, string expected) =>
        Assert.Equal(expected, GrpcHostingExtensions.GrpcUrl(urls, port));

    /// <summary>model.json's warmup samples in gRPC's ModelConfig (Triton's field 16), as HTTP's config answers them.</summary>
    [Fact]
    public async Task ModelConfig_WarmupSamples_AsHttpAnswersThem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TestRepository().WithExampleMlp(modelJson: """
            { "maxBatchSize": 64, "modelWarmup": [
              { "name": "zeros", "batchSize": 4, "count": 2, "inputs": { "input": { "dims": [8], "zeroData": true } } },
              { "name": "random", "inputs": { "input": { "dataType": "FP32", "dims": [8], "randomData": true } } } ] }
            """);
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:RepositoryPath"] = repository.Root }, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();

        var config = (await client.ModelConfigAsync(
            new ModelConfigRequest { Name = "example-mlp" }, new Metadata { { "x-api-key", GrpcGateway.AdminKey } }, deadline: Deadline(), cancellationToken: ct)).Config;
        var http = (await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/config", null, ct))["model_warmup"]!.AsArray();

        Assert.Equal(["zeros", "random"], config.ModelWarmup.Select(w => w.Name));
        Assert.Equal(http.Select(w => w!["name"]!.GetValue<string>()), config.ModelWarmup.Select(w => w.Name));
        var (zeros, random) = (config.ModelWarmup[0], config.ModelWarmup[1]);
        Assert.Equal((4u, 2u, 1u, 0u), (zeros.BatchSize, zeros.Count, random.BatchSize, random.Count));
        Assert.Equal((DataType.TypeFp32, 8L, true), (zeros.Inputs["input"].DataType, zeros.Inputs["input"].Dims.Single(), zeros.Inputs["input"].ZeroData));
        Assert.Equal(ModelWarmup.Types.Input.InputDataTypeOneofCase.RandomData, random.Inputs["input"].InputDataTypeCase);
        Assert.True(http[1]!["inputs"]!["input"]!["random_data"]!.GetValue<bool>());
    }

    private static ModelInferRequest MlpRequest(string model = "example-mlp", int rows = 1)
    {
        float[] row = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];
        float[] data = [.. Enumerable.Repeat(row, rows).SelectMany(r => r)];
        var request = new ModelInferRequest { ModelName = model };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        input.Shape.Add([rows, 8]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan())));
        return request;
    }

    private static async Task PublishAsync(GrpcGateway gateway, string key, string name, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var file = new ByteArrayContent(ExampleMlp.BuildOnnx([16]));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content = new MultipartFormDataContent
        {
            { file, "model", "model.onnx" },
            { new StringContent(SecureGateway.MlpCard(name, "private"), Encoding.UTF8, "application/json"), "card" },
        };
        using var response = await gateway.Http.SendAsync(request, ct);
        Assert.True(response.IsSuccessStatusCode, $"publishing {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A minute from now: gRPC calls have no deadline of their own, and one the server never answered would hold the test for ever.</summary>
    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(1);
}
