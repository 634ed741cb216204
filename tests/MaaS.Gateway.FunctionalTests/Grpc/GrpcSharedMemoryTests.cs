using System.Runtime.InteropServices;
using static MaaS.Gateway.FunctionalTests.Grpc.GrpcNodeClientTests;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// Triton's system shared memory extension over gRPC through Node's <c>@grpc/grpc-js</c> (the client nobody here
/// wrote, its script writing and reading the <c>/dev/shm</c> object as a client beside the server would): register,
/// status and unregister with Triton's messages, example-mlp's input read from a region and its output written to
/// another equal to /v2 over HTTP within 1e-6, and the refusals as gRPC status codes.
/// </summary>
public sealed class GrpcSharedMemoryTests
{
    private static readonly float[] Rows = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f];

    private static JsonObject Parameters(string region, long byteSize, long offset) => new()
    {
        ["shared_memory_region"] = new JsonObject { ["string_param"] = region },
        ["shared_memory_byte_size"] = new JsonObject { ["int64_param"] = byteSize.ToString(CultureInfo.InvariantCulture) },
        ["shared_memory_offset"] = new JsonObject { ["int64_param"] = offset.ToString(CultureInfo.InvariantCulture) },
    };

    private static JsonObject SharedInfer(long inputBytes, JsonObject? output) => new()
    {
        ["model_name"] = "example-mlp",
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = "input",
            ["datatype"] = "FP32",
            ["shape"] = new JsonArray(2, 8),
            ["parameters"] = Parameters("in", inputBytes, 64),
        }),
        ["outputs"] = output is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = "probabilities", ["parameters"] = output }),
    };

    [Fact]
    public async Task NodeClient_RegisterInferUnregister_MatchesHttpV2AndStatusCodes()
    {
        var ct = TestContext.Current.CancellationToken;
        string folder = NodeFolder();
        using var shm = new SharedMemoryObject(4096);
        using var gateway = await GrpcGateway.StartAsync(new Dictionary<string, string> { ["Serving:SharedMemory:Enabled"] = "true" }, ct);
        if (gateway is null)
        {
            Assert.Skip("the gateway is not built");
            return;
        }

        string appKey = await gateway.CreateKeyAsync(["app"], ct);
        string otherAdmin = await gateway.CreateKeyAsync(["admin", "app"], ct, tenant: "acme");
        string bearer = "Bearer " + GrpcGateway.AdminKey;
        var http = await gateway.GetJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer",
            JsonNode.Parse(V2Json.Infer("input", "FP32", [2, 8], Rows)), ct);
        float[] expected = [.. http["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probabilities")!["data"]!.AsArray().Select(v => v!.GetValue<float>())];

        var infer = Call("infer", "ModelInfer", SharedInfer(64, Parameters("out", 64, 32)), bearer);
        infer["writeShm"] = new JsonArray(new JsonObject { ["path"] = shm.Path, ["offset"] = 64, ["base64"] = Convert.ToBase64String(MemoryMarshal.AsBytes(Rows.AsSpan())) });
        infer["readShm"] = new JsonArray(new JsonObject { ["path"] = shm.Path, ["offset"] = 1024 + 32, ["length"] = 24 });
        JsonObject Register(string name, string key, long offset, long byteSize) =>
            new() { ["name"] = name, ["key"] = key, ["offset"] = offset.ToString(CultureInfo.InvariantCulture), ["byte_size"] = byteSize.ToString(CultureInfo.InvariantCulture) };
        var calls = new JsonArray
        {
            Call("server", "ServerMetadata", new JsonObject()),
            Call("register-in", "SystemSharedMemoryRegister", Register("in", shm.Key, 0, 1024), bearer),
            Call("register-out", "SystemSharedMemoryRegister", Register("out", shm.Key, 1024, 256), bearer),
            Call("register-again", "SystemSharedMemoryRegister", Register("in", shm.Key, 0, 8), bearer),
            Call("register-app-key", "SystemSharedMemoryRegister", Register("x", shm.Key, 0, 8), "Bearer " + appKey),
            Call("register-bad-key", "SystemSharedMemoryRegister", Register("x", "/../etc/passwd", 0, 8), bearer),
            Call("register-past-end", "SystemSharedMemoryRegister", Register("x", shm.Key, 4000, 200), bearer),
            Call("status", "SystemSharedMemoryStatus", new JsonObject(), "Bearer " + appKey),
            Call("status-one", "SystemSharedMemoryStatus", new JsonObject { ["name"] = "out" }, bearer),
            Call("status-other-tenant", "SystemSharedMemoryStatus", new JsonObject { ["name"] = "in" }, "Bearer " + otherAdmin),
            infer,
            Call("infer-other-tenant", "ModelInfer", SharedInfer(64, null), "Bearer " + otherAdmin),
            Call("infer-mismatch", "ModelInfer", SharedInfer(60, null), bearer),
            Call("infer-output-small", "ModelInfer", SharedInfer(64, Parameters("out", 8, 0)), bearer),
            Call("cuda-register", "CudaSharedMemoryRegister", new JsonObject { ["name"] = "gpu", ["byte_size"] = "64" }, bearer),
            Call("cuda-status", "CudaSharedMemoryStatus", new JsonObject(), bearer),
            Call("unregister-in", "SystemSharedMemoryUnregister", new JsonObject { ["name"] = "in" }, bearer),
            Call("infer-unregistered", "ModelInfer", SharedInfer(64, null), bearer),
            Call("unregister-all", "SystemSharedMemoryUnregister", new JsonObject(), bearer),
            Call("status-after", "SystemSharedMemoryStatus", new JsonObject(), bearer),
        };

        var results = await RunNodeAsync(folder, gateway, calls, ct);

        Assert.Contains("system_shared_memory", Ok(results, "server")["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Ok(results, "register-in");
        Ok(results, "register-out");
        AssertStatus(results, "register-again", 6, "shared memory region 'in' already in manager"); // ALREADY_EXISTS, as Triton
        AssertStatus(results, "register-app-key", 7, null);
        AssertStatus(results, "register-bad-key", 3, "is not a POSIX shared memory name");
        AssertStatus(results, "register-past-end", 3, "runs past the end");
        var regions = Ok(results, "status")["regions"]!.AsObject();
        Assert.Equal(["in", "out"], regions.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal($"out|{shm.Key}|1024|256", Describe(Ok(results, "status-one")["regions"]!["out"]!));
        Assert.Equal($"in|{shm.Key}|0|1024", Describe(regions["in"]!));
        AssertStatus(results, "status-other-tenant", 5, "Unable to find system shared memory region: 'in'");

        var answer = Ok(results, "infer");
        var output = answer["outputs"]![0]!;
        Assert.Equal("probabilities", output["name"]!.GetValue<string>());
        Assert.Equal(["2", "3"], output["shape"]!.AsArray().Select(d => d!.ToString()));
        Assert.Equal("out", output["parameters"]!["shared_memory_region"]!["string_param"]!.GetValue<string>());
        Assert.Equal("24", output["parameters"]!["shared_memory_byte_size"]!["int64_param"]!.ToString());
        Assert.Equal("32", output["parameters"]!["shared_memory_offset"]!["int64_param"]!.ToString());
        Assert.Equal("", answer["raw_output_contents"]![0]!.GetValue<string>());
        float[] written = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(results["infer"]["shm"]![0]!.GetValue<string>())).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(written[i] - expected[i]) <= 1e-6, $"probabilities[{i}]: gRPC shared memory {written[i]} vs HTTP {expected[i]}");
        }

        AssertStatus(results, "infer-other-tenant", 5, "Unable to find system shared memory region: 'in'");
        AssertStatus(results, "infer-mismatch", 3, "input byte size mismatch for input 'input' for model 'example-mlp'. Expected 64, got 60");
        AssertStatus(results, "infer-output-small", 3, "should be at least 24 bytes to hold the results");
        AssertStatus(results, "cuda-register", 3, "failed to register CUDA shared memory region: 'gpu', GPUs not supported");
        Assert.Empty(Ok(results, "cuda-status")["regions"]!.AsObject());
        Ok(results, "unregister-in");
        AssertStatus(results, "infer-unregistered", 5, "Unable to find system shared memory region: 'in'");
        Ok(results, "unregister-all");
        Assert.Empty(Ok(results, "status-after")["regions"]!.AsObject());
    }

    private static string Describe(JsonNode region) => $"{region["name"]}|{region["key"]}|{region["offset"]}|{region["byte_size"]}";
}
