namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Triton's system shared memory extension over HTTP on a real gateway, with <c>/dev/shm</c> objects the tests make:
/// register, status and unregister in Triton's shapes; example-mlp's inputs read from and outputs written to regions,
/// equal to the plain /v2 answer within 1e-6 (JSON body and binary body); every refusal a clear 4xx; the extension off
/// by default; unregisters racing infers never a 5xx.
/// </summary>
public sealed class SharedMemoryEndpointsTests
{
    private const string Admin = SecureGateway.BootstrapKey;
    private const string Infer = "/v2/models/example-mlp/infer";
    private const double Tolerance = 1e-6;

    private static readonly float[] Rows = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f];

    // The per-key rate limit raised to its ceiling: the race test's callers share the bootstrap key.
    private static SecureGateway Start(bool enabled = true) => SecureGateway.Start(settings: new Dictionary<string, string?>
    {
        ["Serving:SharedMemory:Enabled"] = enabled ? "true" : "false",
        ["Serving:SharedMemory:MaxRegionsPerTenant"] = "3",
        ["Auth:RateLimits:RequestsPerSecond"] = "1000",
        ["Auth:RateLimits:Burst"] = "2000",
    });

    private static string Register(string key, long offset, long byteSize) =>
        new JsonObject { ["key"] = key, ["offset"] = offset, ["byte_size"] = byteSize }.ToJsonString();

    private static async Task<JsonNode?> OkAsync(SecureGateway gateway, HttpMethod method, string path, string key, string? json = null)
    {
        var (response, body) = await gateway.SendJsonAsync(method, path, key, json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {body?.ToJsonString()}");
        return body;
    }

    private static async Task AssertErrorAsync(SecureGateway gateway, HttpMethod method, string path, string key, string? json, HttpStatusCode status, string part)
    {
        var (response, body) = await gateway.SendJsonAsync(method, path, key, json);
        Assert.True(response.StatusCode == status, $"{method} {path} {json}: expected {(int)status}, got {(int)response.StatusCode} {body?.ToJsonString()}");
        if (status != HttpStatusCode.Forbidden)
        {
            string error = body?["error"]?.GetValue<string>() ?? "";
            Assert.True(error.Contains(part, StringComparison.Ordinal), $"{method} {path} {json}: expected '{part}' in {body?.ToJsonString()}");
        }
    }

    private static JsonObject Place(string region, long byteSize, long offset) => new()
    {
        ["shared_memory_region"] = region,
        ["shared_memory_byte_size"] = byteSize,
        ["shared_memory_offset"] = offset,
    };

    private static string SharedInfer(JsonObject inputPlace, JsonObject? outputPlace, bool binaryOutput = false)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "input", ["shape"] = new JsonArray(2, 8), ["datatype"] = "FP32", ["parameters"] = inputPlace }),
        };
        if (outputPlace is not null)
        {
            request["outputs"] = new JsonArray(new JsonObject { ["name"] = "probabilities", ["parameters"] = outputPlace });
        }

        if (binaryOutput)
        {
            request["parameters"] = new JsonObject { ["binary_data_output"] = true };
        }

        return request.ToJsonString();
    }

    private static async Task<float[]> PlainAsync(SecureGateway gateway)
    {
        var body = await OkAsync(gateway, HttpMethod.Post, Infer, Admin, V2Json.Infer("input", "FP32", [2, 8], Rows));
        return [.. body!["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probabilities")!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
    }

    [Fact]
    public async Task RegisterStatusUnregister_Http_TritonShapesAndMetadata()
    {
        using var shm = new SharedMemoryObject(4096);
        await using var gateway = Start();

        var metadata = await OkAsync(gateway, HttpMethod.Get, "/v2", Admin);
        Assert.Contains("system_shared_memory", metadata!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Null(await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/in/register", Admin, Register(shm.Key, 16, 1024)));
        Assert.Null(await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/out/register", Admin, Register(shm.Key, 2048, 512)));

        var all = await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", Admin);
        var expected = JsonNode.Parse($$"""
            [{"name":"in","key":"{{shm.Key}}","offset":16,"byte_size":1024},{"name":"out","key":"{{shm.Key}}","offset":2048,"byte_size":512}]
            """);
        Assert.True(JsonNode.DeepEquals(expected, all), all!.ToJsonString());
        var one = await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/region/out/status", Admin);
        Assert.True(JsonNode.DeepEquals(expected![1]!.DeepClone(), one![0]), one.ToJsonString());

        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/in/unregister", Admin);
        await AssertErrorAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/region/in/status", Admin, null, HttpStatusCode.NotFound,
            "Unable to find system shared memory region: 'in'");
        // Triton: unregistering a name it does not have is no error.
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/in/unregister", Admin);
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/unregister", Admin);
        Assert.Empty((await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", Admin))!.AsArray());

        // CUDA shared memory as Triton built without GPU support.
        Assert.Empty((await OkAsync(gateway, HttpMethod.Get, "/v2/cudasharedmemory/status", Admin))!.AsArray());
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/cudasharedmemory/region/gpu/register", Admin,
            """{"raw_handle":{"b64":"AAAA"},"device_id":0,"byte_size":64}""", HttpStatusCode.BadRequest,
            "failed to register CUDA shared memory region: 'gpu', GPUs not supported");
        await OkAsync(gateway, HttpMethod.Post, "/v2/cudasharedmemory/unregister", Admin);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Infer_SharedMemoryInputAndOutput_EqualsThePlainAnswer(bool binaryBody)
    {
        using var shm = new SharedMemoryObject(4096);
        shm.Write(64, Rows);
        await using var gateway = Start();
        float[] plain = await PlainAsync(gateway);
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/io/register", Admin, Register(shm.Key, 0, 1024));
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/out/register", Admin, Register(shm.Key, 1024, 256));
        string json = SharedInfer(Place("io", 64, 64), Place("out", 64, 32), binaryOutput: binaryBody);

        JsonNode answer;
        if (binaryBody)
        {
            // Triton's binary tensor body with no blobs: the JSON alone, its length in the header.
            using var request = new HttpRequestMessage(HttpMethod.Post, Infer) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)) };
            SecureGateway.Authorize(request, Admin, apiKeyHeader: false);
            request.Headers.Add(BinaryTensorClient.HeaderLength, Encoding.UTF8.GetByteCount(json).ToString(CultureInfo.InvariantCulture));
            using var response = await gateway.Client.SendAsync(request, Ct);
            string text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
            answer = JsonNode.Parse(text)!;
        }
        else
        {
            answer = (await OkAsync(gateway, HttpMethod.Post, Infer, Admin, json))!;
        }

        var output = answer["outputs"]![0]!;
        var expected = JsonNode.Parse("""
            {"name":"probabilities","datatype":"FP32","shape":[2,3],"parameters":{"shared_memory_region":"out","shared_memory_byte_size":24,"shared_memory_offset":32}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, output), output.ToJsonString());
        float[] written = shm.ReadFloats(1024 + 32, 6);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.True(Math.Abs(written[i] - plain[i]) <= Tolerance, $"probabilities[{i}]: shared memory {written[i]} vs /v2 {plain[i]}");
        }

        Assert.Equal(new byte[8], shm.Read(1024 + 32 + 24, 8));
    }

    [Fact]
    public async Task EveryRefusal_ClearFourHundreds()
    {
        using var shm = new SharedMemoryObject(4096);
        shm.Write(64, Rows);
        await using var gateway = Start();
        string app = await gateway.CreateKeyAsync("default", ["app"]);
        string otherAdmin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        const string register = "/v2/systemsharedmemory/region/io/register";
        await OkAsync(gateway, HttpMethod.Post, register, Admin, Register(shm.Key, 0, 1024));
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/out/register", Admin, Register(shm.Key, 1024, 256));
        var bad = HttpStatusCode.BadRequest;

        // Registering takes an admin key; status an app key does.
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", app, Register(shm.Key, 0, 8), HttpStatusCode.Forbidden, "");
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/unregister", app, null, HttpStatusCode.Forbidden, "");
        Assert.Equal(2, (await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", app))!.AsArray().Count);

        // Another tenant sees nothing, and its infer naming the region is told it does not exist.
        Assert.Empty((await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", otherAdmin))!.AsArray());
        await AssertErrorAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/region/io/status", otherAdmin, null, HttpStatusCode.NotFound,
            "Unable to find system shared memory region: 'io'");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, otherAdmin, SharedInfer(Place("io", 64, 64), null), HttpStatusCode.NotFound,
            "Unable to find system shared memory region: 'io'");
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/unregister", otherAdmin);
        Assert.Equal(2, (await OkAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", Admin))!.AsArray().Count);

        // Keys name one object under /dev/shm; ranges lie inside it; names are unique; a tenant's regions are bounded.
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", Admin, Register("/../etc/passwd", 0, 8), bad, "is not a POSIX shared memory name");
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", Admin, Register("/a/b", 0, 8), bad, "is not a POSIX shared memory name");
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", Admin, Register(shm.Key, 4000, 100), bad, "runs past the end");
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", Admin, """{"offset":0,"byte_size":8}""", bad, "needs 'key'");
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/x/register", Admin, """{"key":null,"byte_size":8}""", bad, "'key' is null");
        // A name taken is Triton's ALREADY_EXISTS, which its HTTP endpoint answers as 400.
        await AssertErrorAsync(gateway, HttpMethod.Post, register, Admin, Register(shm.Key, 0, 8), bad, "shared memory region 'io' already in manager");
        await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/third/register", Admin, Register(shm.Key, 0, 8));
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/fourth/register", Admin, Register(shm.Key, 0, 8), HttpStatusCode.Conflict, "MaxRegionsPerTenant");

        // Infer: Triton's byte-size checks, a place inside its region, no data beside it, a byte size with a region.
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", 60, 64), null), bad,
            "input byte size mismatch for input 'input' for model 'example-mlp'. Expected 64, got 60");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", 64, 64), Place("out", 8, 0)), bad,
            "shared memory size specified with the request for output 'probabilities' (8 bytes) should be at least 24 bytes to hold the results");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", 64, 1000), null), bad,
            "Invalid offset + byte size for shared memory region: 'io'");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", 64, 0), Place("out", 64, 250)), bad,
            "Invalid offset + byte size for shared memory region: 'out'");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(new JsonObject { ["shared_memory_region"] = "io" }, null), bad,
            "has parameters.shared_memory_region but no shared_memory_byte_size");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(new JsonObject { ["shared_memory_region"] = 5, ["shared_memory_byte_size"] = 64 }, null), bad,
            "a string is expected");
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", -1, 0), null), bad, "not a whole number");
        string withData = """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8],"parameters":{"shared_memory_region":"io","shared_memory_byte_size":32}}]}""";
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, withData, bad, "give one");

        // CUDA: refused as Triton without GPUs refuses it.
        await AssertErrorAsync(gateway, HttpMethod.Get, "/v2/cudasharedmemory/region/gpu/status", Admin, null, HttpStatusCode.NotFound, "'gpu'");
    }

    [Fact]
    public async Task Disabled_ByDefault_RefusedAndNotInMetadata()
    {
        using var shm = new SharedMemoryObject(4096);
        await using var gateway = SecureGateway.Start();

        var metadata = await OkAsync(gateway, HttpMethod.Get, "/v2", Admin);
        Assert.DoesNotContain("system_shared_memory", metadata!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        const string off = "system shared memory is not enabled on this server (Serving:SharedMemory:Enabled)";
        await AssertErrorAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/io/register", Admin, Register(shm.Key, 0, 64), HttpStatusCode.BadRequest, off);
        await AssertErrorAsync(gateway, HttpMethod.Get, "/v2/systemsharedmemory/status", Admin, null, HttpStatusCode.BadRequest, off);
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, SharedInfer(Place("io", 64, 0), null), HttpStatusCode.BadRequest, off);
        string sharedOutput = """{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}],"outputs":[{"name":"probabilities","parameters":{"shared_memory_region":"o","shared_memory_byte_size":24}}]}""";
        await AssertErrorAsync(gateway, HttpMethod.Post, Infer, Admin, sharedOutput, HttpStatusCode.BadRequest, off);
    }

    [Theory]
    [InlineData("MaxRegionsPerTenant", "0")]
    [InlineData("MaxRegionBytes", "0")]
    public void Start_BadSharedMemoryOption_FailsNamingIt(string option, string value)
    {
        var thrown = Assert.ThrowsAny<Exception>(() => GatewayHost.Start(_ => { }, new Dictionary<string, string?>
        {
            ["Serving:SharedMemory:Enabled"] = "true",
            ["Serving:SharedMemory:" + option] = value,
        }));

        var validation = thrown as Microsoft.Extensions.Options.OptionsValidationException ?? thrown.InnerException as Microsoft.Extensions.Options.OptionsValidationException
            ?? (thrown as AggregateException)?.InnerExceptions.OfType<Microsoft.Extensions.Options.OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"expected an options validation failure, got {thrown}");
        Assert.Contains(validation.Failures, f => f.Contains(option, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unregister_RacingInfers_EveryAnswerRightOrNotFound()
    {
        using var shm = new SharedMemoryObject(4096);
        shm.Write(64, Rows);
        await using var gateway = Start();
        float[] plain = await PlainAsync(gateway);
        const string register = "/v2/systemsharedmemory/region/io/register";
        await OkAsync(gateway, HttpMethod.Post, register, Admin, Register(shm.Key, 0, 1024));
        string json = SharedInfer(Place("io", 64, 64), null);
        int served = 0, missing = 0;
        using var stop = new CancellationTokenSource();

        async Task InferLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Infer, Admin, json);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    Assert.Equal("Unable to find system shared memory region: 'io'", body!["error"]!.GetValue<string>());
                    Interlocked.Increment(ref missing);
                    continue;
                }

                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body?.ToJsonString()}");
                float[] data = [.. body!["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probabilities")!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
                Assert.True(data.Zip(plain).All(p => Math.Abs(p.First - p.Second) <= Tolerance), $"{string.Join(',', data)} vs {string.Join(',', plain)}");
                Interlocked.Increment(ref served);
            }
        }

        var loops = Enumerable.Range(0, 3).Select(_ => Task.Run(InferLoopAsync)).ToArray();
        for (int cycle = 0; cycle < 40 || (Volatile.Read(ref served) == 0 || Volatile.Read(ref missing) == 0) && cycle < 10_000; cycle++)
        {
            await OkAsync(gateway, HttpMethod.Post, "/v2/systemsharedmemory/region/io/unregister", Admin);
            await OkAsync(gateway, HttpMethod.Post, register, Admin, Register(shm.Key, 0, 1024));
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);
        Assert.True(served > 0 && missing > 0, $"the race ran both ways: {served} served, {missing} not found");
        await OkAsync(gateway, HttpMethod.Get, "/v2/health/ready", Admin);
    }
}
