using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// The gRPC endpoint through a client nobody here wrote: Node's <c>@grpc/grpc-js</c> with <c>@grpc/proto-loader</c>
/// loading the project's own <c>.proto</c> files (tests/…/Grpc/node, installed by .ci/setup with <c>npm ci</c>). One
/// gateway process, one Node run of a plan of calls: liveness, readiness, metadata and ModelInfer on every bundled model
/// with outputs equal to <c>/v2</c> over HTTP within 1e-6 (example-session's a sequence, its state kept between calls), and a call for each gRPC status the gateway answers with.
/// Without node_modules the test skips, except under CI (<c>MAAS_REQUIRE_NODE=1</c>).
/// </summary>
public sealed class GrpcNodeClientTests
{
    private const double Tolerance = 1e-6;
    private const int BodyLimit = 1024 * 1024;

    private static readonly string[] Sentences =
        ["a quiet, moving drama about two brothers", "the worst heist film of the year", "space opera with a great cast", "dull"];

    [Fact]
    public async Task NodeClient_EveryBundledModelAndErrorCase_MatchesHttpV2AndStatusCodes()
    {
        var ct = TestContext.Current.CancellationToken;
        string folder = NodeFolder();

        using var traces = new TempFolder("maas-trace-");
        using var gateway = await GrpcGateway.StartAsync(
            new Dictionary<string, string>
            {
                ["Auth:Limits:MaxRequestBodyBytes"] = BodyLimit.ToString(CultureInfo.InvariantCulture),
                ["Serving:Trace:File"] = traces["trace.json"],
            }, ct);
        if (gateway is null)
        {
            Assert.Skip("the gateway is not built");
            return;
        }

        string appKey = await gateway.CreateKeyAsync(["app"], ct);
        string bearer = "Bearer " + GrpcGateway.AdminKey;
        string[] models = [.. Directory.GetDirectories(gateway.ModelsDirectory).Select(Path.GetFileName).Order()!];
        Assert.Contains("all-minilm-l6-v2", models);

        var calls = new JsonArray
        {
            Call("live", "ServerLive", new JsonObject()),
            Call("ready", "ServerReady", new JsonObject()),
            Call("server", "ServerMetadata", new JsonObject()),
        };
        var rng = new Random(18);
        var expected = new Dictionary<string, (JsonNode Metadata, JsonNode Outputs)>();
        foreach (string model in models)
        {
            // A sequence model takes one row per request, each naming its sequence: here a sequence of one request.
            bool sequence = model == ExampleSession.Name;
            var metadata = await gateway.GetJsonAsync(HttpMethod.Get, $"/v2/models/{model}", null, ct);
            var (json, raw) = Inputs(metadata, rng, sequence ? 1 : 2);
            var body = new JsonObject { ["inputs"] = json };
            var infer = InferRequest(model, json, raw);
            if (sequence)
            {
                body["parameters"] = new JsonObject { ["sequence_id"] = 41, ["sequence_start"] = true, ["sequence_end"] = true };
                infer["parameters"] = SequenceParameters(new JsonObject { ["uint64_param"] = "42" }, start: true, end: true);
            }

            var http = await gateway.GetJsonAsync(HttpMethod.Post, $"/v2/models/{model}/infer", body, ct);
            expected[model] = (metadata, http["outputs"]!);
            calls.Add(Call("metadata:" + model, "ModelMetadata", new JsonObject { ["name"] = model }, apiKey: GrpcGateway.AdminKey));
            calls.Add(Call("model-ready:" + model, "ModelReady", new JsonObject { ["name"] = model }, bearer));
            calls.Add(Call("infer:" + model, "ModelInfer", infer, bearer));
        }

        // example-session's proper sequence: three items over HTTP (id 43) and the same over Node's gRPC (a string id),
        // START on the first and END on the last; then one more gRPC request after END, which Triton refuses.
        var sessionItems = Enumerable.Range(0, 3).Select(_ => Inputs(expected[ExampleSession.Name].Metadata, rng, 1)).ToArray();
        var sessionHttp = new JsonNode[3];
        for (int i = 0; i < 3; i++)
        {
            sessionHttp[i] = (await gateway.GetJsonAsync(HttpMethod.Post, $"/v2/models/{ExampleSession.Name}/infer", new JsonObject
            {
                ["inputs"] = sessionItems[i].Json.DeepClone(),
                ["parameters"] = new JsonObject { ["sequence_id"] = 43, ["sequence_start"] = i == 0, ["sequence_end"] = i == 2 },
            }, ct))["outputs"]!;
            var step = InferRequest(ExampleSession.Name, sessionItems[i].Json, sessionItems[i].Raw);
            step["parameters"] = SequenceParameters(new JsonObject { ["string_param"] = "node-listener" }, start: i == 0, end: i == 2);
            calls.Add(Call($"session:{i}", "ModelInfer", step, bearer));
        }

        var afterEnd = InferRequest(ExampleSession.Name, sessionItems[0].Json, sessionItems[0].Raw);
        afterEnd["parameters"] = SequenceParameters(new JsonObject { ["string_param"] = "node-listener" }, start: false, end: false);
        calls.Add(Call("session:after-end", "ModelInfer", afterEnd, bearer));

        var mlpMetadata = expected["example-mlp"].Metadata;
        var (mlpJson, mlpRaw) = Inputs(mlpMetadata, new Random(7));
        var mlpHttp = await gateway.GetJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", new JsonObject { ["inputs"] = mlpJson.DeepClone() }, ct);
        var typed = InferRequest("example-mlp", mlpJson, raw: null);
        calls.Add(Call("infer-typed", "ModelInfer", typed, bearer));
        // Triton's classification extension: the count as int64_param, the classes as BYTES, the same as over HTTP.
        JsonObject Classified(string count)
        {
            var request = InferRequest("example-mlp", mlpJson, mlpRaw);
            request["outputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "probabilities",
                ["parameters"] = new JsonObject { ["classification"] = new JsonObject { ["int64_param"] = count } },
            });
            return request;
        }

        calls.Add(Call("classification", "ModelInfer", Classified("2"), bearer));
        calls.Add(Call("classification-zero", "ModelInfer", Classified("0"), bearer));
        var httpClassified = await gateway.GetJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", new JsonObject
        {
            ["inputs"] = mlpJson.DeepClone(),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "probabilities", ["parameters"] = new JsonObject { ["classification"] = 2 } }),
        }, ct);
        var httpConfig = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/config", null, ct);
        calls.Add(Call("config", "ModelConfig", new JsonObject { ["name"] = "example-mlp" }, bearer));
        calls.Add(Call("statistics", "ModelStatistics", new JsonObject { ["name"] = "example-mlp" }, bearer));
        calls.Add(Call("index", "RepositoryIndex", new JsonObject(), bearer));

        // Triton's logging extension: a read (no settings), a change, and refusals that change nothing.
        static JsonObject Settings(params (string Name, string Kind, JsonNode Value)[] settings)
        {
            var map = new JsonObject();
            foreach (var (name, kind, value) in settings)
            {
                map[name] = new JsonObject { [kind] = value };
            }

            return new JsonObject { ["settings"] = map };
        }

        string otherAdmin = await gateway.CreateKeyAsync(["admin", "app"], ct, tenant: "acme");
        calls.Add(Call("log-read", "LogSettings", new JsonObject(), bearer));
        calls.Add(Call("log-update", "LogSettings", Settings(("log_verbose_level", "uint32_param", 1), ("log_info", "bool_param", true)), bearer));
        calls.Add(Call("log-invalid", "LogSettings", Settings(("log_verbose_level", "uint32_param", 2), ("log_format", "string_param", "json")), bearer));
        calls.Add(Call("log-wrong-type", "LogSettings", Settings(("log_warning", "uint32_param", 1)), bearer));
        calls.Add(Call("log-unknown", "LogSettings", Settings(("log_colour", "bool_param", true)), bearer));
        calls.Add(Call("log-unauthenticated", "LogSettings", Settings(("log_verbose_level", "uint32_param", 2))));
        calls.Add(Call("log-app-key", "LogSettings", Settings(("log_verbose_level", "uint32_param", 2)), "Bearer " + appKey));
        calls.Add(Call("log-other-tenant", "LogSettings", Settings(("log_verbose_level", "uint32_param", 2)), "Bearer " + otherAdmin));
        calls.Add(Call("log-after", "LogSettings", new JsonObject(), bearer));

        // Triton's trace extension: every value a list of strings; a model's override, its clearing (no values), refusals.
        static JsonObject Trace(string model, params (string Name, string[] Values)[] settings)
        {
            var map = new JsonObject();
            foreach (var (name, values) in settings)
            {
                map[name] = new JsonObject { ["value"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };
            }

            return new JsonObject { ["settings"] = map, ["model_name"] = model };
        }

        calls.Add(Call("trace-read", "TraceSetting", new JsonObject(), bearer));
        calls.Add(Call("trace-update", "TraceSetting", Trace("example-mlp", ("trace_rate", ["7"]), ("trace_level", ["TIMESTAMPS"])), bearer));
        calls.Add(Call("trace-clear", "TraceSetting", Trace("example-mlp", ("trace_rate", [])), bearer));
        calls.Add(Call("trace-invalid", "TraceSetting", Trace("", ("trace_level", ["ALL"])), bearer));
        calls.Add(Call("trace-app-key", "TraceSetting", Trace("", ("trace_rate", ["1"])), "Bearer " + appKey));

        // One call per status the gateway answers with.
        var wrongSize = InferRequest("example-mlp", mlpJson, [[1, 2, 3]]);
        calls.Add(Call("invalid-argument", "ModelInfer", wrongSize, bearer));
        calls.Add(Call("not-found", "ModelInfer", InferRequest("no-such-model", mlpJson, mlpRaw), bearer));
        calls.Add(Call("unauthenticated", "ModelInfer", InferRequest("example-mlp", mlpJson, mlpRaw)));
        calls.Add(Call("unauthenticated-bad-key", "ModelInfer", InferRequest("example-mlp", mlpJson, mlpRaw), "Bearer not-a-key"));
        calls.Add(Call("permission-denied", "RepositoryModelUnload", new JsonObject { ["model_name"] = "sentiment" }, "Bearer " + appKey));
        var huge = new JsonArray(Input("input", "FP32", [BodyLimit / 32 + 1, 8], null));
        calls.Add(Call("resource-exhausted", "ModelInfer", InferRequest("example-mlp", huge, [new byte[(BodyLimit / 32 + 1) * 32]]), bearer));
        var many = new JsonArray(Input("text", "BYTES", [512], null));
        byte[] texts = Bytes(Enumerable.Range(0, 512).Select(i => Sentences[i % Sentences.Length] + " " + i.ToString(CultureInfo.InvariantCulture)).ToArray());
        calls.Add(Call("deadline-exceeded", "ModelInfer", InferRequest("all-minilm-l6-v2", many, [texts]), bearer, deadlineMs: 1));
        var (sentimentJson, sentimentRaw) = Inputs(expected["sentiment"].Metadata, new Random(5));
        calls.Add(Call("unload", "RepositoryModelUnload", new JsonObject { ["model_name"] = "sentiment" }, bearer));
        calls.Add(Call("unavailable", "ModelInfer", InferRequest("sentiment", sentimentJson, sentimentRaw), bearer));
        calls.Add(Call("load", "RepositoryModelLoad", new JsonObject { ["model_name"] = "sentiment" }, bearer));
        calls.Add(Call("infer-reloaded", "ModelInfer", InferRequest("sentiment", sentimentJson, sentimentRaw), bearer));

        var results = await RunNodeAsync(folder, gateway, calls, ct);

        Assert.True(Ok(results, "live")["live"]!.GetValue<bool>());
        Assert.True(Ok(results, "ready")["ready"]!.GetValue<bool>());
        var server = Ok(results, "server");
        Assert.Equal("maas", server["name"]!.GetValue<string>());
        Assert.Contains("model_repository", server["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        foreach (string model in models)
        {
            var (metadata, outputs) = expected[model];
            var grpcMetadata = Ok(results, "metadata:" + model);
            Assert.Equal(model, grpcMetadata["name"]!.GetValue<string>());
            Assert.Equal(metadata["platform"]!.GetValue<string>(), grpcMetadata["platform"]!.GetValue<string>());
            foreach (string side in new[] { "inputs", "outputs" })
            {
                Assert.Equal(Describe(metadata[side]!), Describe(grpcMetadata[side]!));
            }

            Assert.True(Ok(results, "model-ready:" + model)["ready"]!.GetValue<bool>(), model);
            AssertSameOutputs(model, outputs, Ok(results, "infer:" + model));
        }

        for (int i = 0; i < 3; i++)
        {
            AssertSameOutputs($"example-session step {i}", sessionHttp[i], Ok(results, $"session:{i}"));
        }

        AssertStatus(results, "session:after-end", 3, "must specify the START flag on the first request of the sequence");
        AssertSameOutputs("example-mlp (typed contents)", mlpHttp["outputs"]!, Ok(results, "infer-typed"));
        Assert.Contains("classification", server["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("BYTES", httpClassified["outputs"]![0]!["datatype"]!.GetValue<string>());
        Assert.Equal(["2", "2"], httpClassified["outputs"]![0]!["shape"]!.AsArray().Select(d => d!.ToString()));
        AssertSameOutputs("example-mlp (classification)", httpClassified["outputs"]!, Ok(results, "classification"));
        AssertStatus(results, "classification-zero", 3, "parameters.classification");
        var config = Ok(results, "config")["config"]!;
        Assert.Equal("example-mlp", config["name"]!.GetValue<string>());
        Assert.Equal(64, config["max_batch_size"]!.GetValue<int>());
        Assert.Equal("TYPE_FP32", config["input"]![0]!["data_type"]!.GetValue<string>());
        Assert.Equal(["8"], config["input"]![0]!["dims"]!.AsArray().Select(d => d!.ToString()));
        var httpGroup = httpConfig["instance_group"]!.AsArray().Single()!;
        var grpcGroup = Assert.Single(config["instance_group"]!.AsArray())!;
        Assert.Equal(
            (httpGroup["count"]!.GetValue<int>(), httpGroup["kind"]!.GetValue<string>()),
            (grpcGroup["count"]!.GetValue<int>(), grpcGroup["kind"]!.GetValue<string>()));
        var statistics = Ok(results, "statistics")["model_stats"]!.AsArray();
        Assert.True(long.Parse(statistics.Single()!["inference_count"]!.ToString(), CultureInfo.InvariantCulture) >= 3, statistics.ToJsonString());
        var index = Ok(results, "index")["models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(models.ToHashSet(), index);

        // The gateway runs at Warning (GrpcGateway): information off, no verbose; the change then reads back over HTTP too.
        Assert.Contains("logging", server["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(
            """{"log_error":true,"log_file":"","log_format":"default","log_info":false,"log_verbose_level":0,"log_warning":true}""",
            LogSettings(Ok(results, "log-read")));
        const string changed = """{"log_error":true,"log_file":"","log_format":"default","log_info":true,"log_verbose_level":1,"log_warning":true}""";
        Assert.Equal(changed, LogSettings(Ok(results, "log-update")));
        AssertStatus(results, "log-invalid", 3, "log_format");
        AssertStatus(results, "log-wrong-type", 3, "log_warning");
        AssertStatus(results, "log-unknown", 3, "log_colour");
        AssertStatus(results, "log-unauthenticated", 16, null);
        AssertStatus(results, "log-app-key", 7, "operator tenant");
        AssertStatus(results, "log-other-tenant", 7, "operator tenant");
        Assert.Equal(changed, LogSettings(Ok(results, "log-after")));
        var logging = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/logging", null, ct);
        Assert.Equal(1, logging["log_verbose_level"]!.GetValue<int>());
        Assert.True(logging["log_info"]!.GetValue<bool>(), logging.ToJsonString());

        Assert.Contains("trace", server["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(
            $$$"""{"log_frequency":["0"],"trace_count":["-1"],"trace_file":["{{{traces["trace.json"]}}}"],"trace_level":["OFF"],"trace_mode":["triton"],"trace_rate":["1000"]}""",
            TraceSettings(Ok(results, "trace-read")));
        var traceUpdated = Ok(results, "trace-update")["settings"]!;
        Assert.Equal(("[\"7\"]", "[\"TIMESTAMPS\"]"), (traceUpdated["trace_rate"]!["value"]!.ToJsonString(), traceUpdated["trace_level"]!["value"]!.ToJsonString()));
        var traceCleared = Ok(results, "trace-clear")["settings"]!;
        Assert.Equal(("[\"1000\"]", "[\"TIMESTAMPS\"]"), (traceCleared["trace_rate"]!["value"]!.ToJsonString(), traceCleared["trace_level"]!["value"]!.ToJsonString()));
        AssertStatus(results, "trace-invalid", 3, "trace_level");
        AssertStatus(results, "trace-app-key", 7, "operator tenant");
        var httpTrace = await gateway.GetJsonAsync(HttpMethod.Get, "/v2/models/example-mlp/trace/setting", null, ct);
        Assert.Equal("[\"TIMESTAMPS\"]", httpTrace["trace_level"]!.ToJsonString());

        AssertStatus(results, "invalid-argument", 3, "raw_input_contents");
        AssertStatus(results, "not-found", 5, "no-such-model");
        AssertStatus(results, "unauthenticated", 16, null);
        AssertStatus(results, "unauthenticated-bad-key", 16, null);
        AssertStatus(results, "permission-denied", 7, null);
        AssertStatus(results, "resource-exhausted", 8, null);
        AssertStatus(results, "deadline-exceeded", 4, null);
        Ok(results, "unload");
        AssertStatus(results, "unavailable", 14, "sentiment");
        Ok(results, "load");
        Ok(results, "infer-reloaded");
    }

    // The trace settings map as one JSON object in name order, each value its list of strings.
    private static string TraceSettings(JsonNode response) =>
        new JsonObject(response["settings"]!.AsObject().OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
            KeyValuePair.Create(s.Key, s.Value!["value"]?.DeepClone()))).ToJsonString();

    // The settings map as one JSON object in name order, each value the one its oneof chose.
    private static string LogSettings(JsonNode response) =>
        new JsonObject(response["settings"]!.AsObject().OrderBy(s => s.Key, StringComparer.Ordinal).Select(s =>
            KeyValuePair.Create(s.Key, s.Value![s.Value["parameter_choice"]!.GetValue<string>()]?.DeepClone()))).ToJsonString();

    /// <summary>The Node client's folder; skips the test when its packages are not installed (fails under CI).</summary>
    internal static string NodeFolder()
    {
        string folder = Path.Combine(SharedData.RepositoryRoot, "tests", "MaaS.Gateway.FunctionalTests", "Grpc", "node");
        if (!File.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js", "package.json"))
            || !File.Exists(Path.Combine(folder, "node_modules", "@grpc", "proto-loader", "package.json")))
        {
            string reason = $"@grpc/grpc-js and @grpc/proto-loader are not installed: run 'npm ci --prefix {folder}' (Node.js 20+)";
            Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_NODE") == "1", reason + " (MAAS_REQUIRE_NODE=1: .ci/setup should have installed them)");
            Assert.Skip(reason);
        }

        return folder;
    }

    internal static async Task<Dictionary<string, JsonNode>> RunNodeAsync(string folder, GrpcGateway gateway, JsonArray calls, CancellationToken ct)
    {
        string work = Directory.CreateTempSubdirectory("maas-grpc-node-").FullName;
        try
        {
            string plan = Path.Combine(work, "plan.json"), output = Path.Combine(work, "results.json");
            var document = new JsonObject
            {
                ["address"] = $"127.0.0.1:{gateway.GrpcPort}",
                ["protoDir"] = Path.Combine(SharedData.RepositoryRoot, "src", "MaaS.Grpc", "Protos"),
                ["calls"] = calls,
            };
            await File.WriteAllTextAsync(plan, document.ToJsonString(), ct);
            var (exitCode, log) = await ChildProcess.RunAsync("node", [Path.Combine(folder, "client.js"), plan, output], ct, workingDirectory: folder);
            Assert.True(exitCode == 0 && File.Exists(output), $"node exited {exitCode}:\n{log}\ngateway:\n{gateway.Tail}");
            return JsonNode.Parse(await File.ReadAllTextAsync(output, ct))!.AsArray()
                .ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static JsonObject Call(string name, string rpc, JsonObject request, string? authorization = null, string? apiKey = null, int? deadlineMs = null)
    {
        var call = new JsonObject { ["name"] = name, ["rpc"] = rpc, ["request"] = request };
        if (authorization is not null)
        {
            call["authorization"] = authorization;
        }

        if (apiKey is not null)
        {
            call["apiKey"] = apiKey;
        }

        if (deadlineMs is not null)
        {
            call["deadlineMs"] = deadlineMs;
        }

        return call;
    }

    /// <summary>Triton's sequence parameters as InferParameters (keepCase JSON for proto-loader).</summary>
    private static JsonObject SequenceParameters(JsonObject id, bool start, bool end) => new()
    {
        ["sequence_id"] = id,
        ["sequence_start"] = new JsonObject { ["bool_param"] = start },
        ["sequence_end"] = new JsonObject { ["bool_param"] = end },
    };

    /// <summary>
    /// A ModelInfer request: with <paramref name="raw"/>, shapes and datatypes in <c>inputs</c> and the bytes in
    /// <c>raw_input_contents</c>; without, the JSON data as typed <c>contents</c>.
    /// </summary>
    private static JsonObject InferRequest(string model, JsonArray inputs, byte[][]? raw)
    {
        var tensors = new JsonArray();
        foreach (var input in inputs)
        {
            var tensor = new JsonObject
            {
                ["name"] = input!["name"]!.DeepClone(),
                ["datatype"] = input["datatype"]!.DeepClone(),
                ["shape"] = input["shape"]!.DeepClone(),
            };
            if (raw is null)
            {
                string field = input["datatype"]!.GetValue<string>() switch
                {
                    "FP32" => "fp32_contents",
                    "INT64" => "int64_contents",
                    var other => throw new NotSupportedException(other),
                };
                tensor["contents"] = new JsonObject { [field] = input["data"]!.DeepClone() };
            }

            tensors.Add(tensor);
        }

        var request = new JsonObject { ["model_name"] = model, ["id"] = "node-" + model, ["inputs"] = tensors };
        if (raw is not null)
        {
            request["raw_input_contents"] = new JsonArray([.. raw.Select(r => (JsonNode)JsonValue.Create(Convert.ToBase64String(r)))]);
        }

        return request;
    }

    /// <summary>
    /// Inputs for a model from its metadata: two rows, any other free dimension 5; a model with a BYTES input (text) gets
    /// only that one, as its other inputs are alternatives to it. Returns the /v2 JSON inputs and the same tensors raw.
    /// </summary>
    private static (JsonArray Json, byte[][] Raw) Inputs(JsonNode metadata, Random rng, int rows = 2)
    {
        var specs = metadata["inputs"]!.AsArray().Select(s => s!).ToList();
        if (specs.FirstOrDefault(s => s["datatype"]!.GetValue<string>() == "BYTES") is { } text)
        {
            specs = [text];
        }

        var json = new JsonArray();
        var raw = new List<byte[]>();
        foreach (var spec in specs)
        {
            long[] shape = [.. spec["shape"]!.AsArray().Select((d, i) => d!.GetValue<long>() is >= 0 and var fixedSize ? fixedSize : i == 0 ? rows : 5L)];
            int count = (int)shape.Aggregate(1L, (a, b) => a * b);
            string datatype = spec["datatype"]!.GetValue<string>();
            var data = new JsonArray();
            byte[] bytes;
            switch (datatype)
            {
                case "FP32":
                    bytes = Numbers<float>([.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1))], data, BinaryPrimitives.WriteSingleLittleEndian);
                    break;
                case "INT64":
                    bytes = Numbers<long>([.. Enumerable.Range(0, count).Select(_ => (long)rng.Next(1, 1000))], data, BinaryPrimitives.WriteInt64LittleEndian);
                    break;
                case "BYTES":
                    string[] strings = [.. Enumerable.Range(0, count).Select(i => Sentences[(i + rng.Next(Sentences.Length)) % Sentences.Length])];
                    foreach (string s in strings)
                    {
                        data.Add(s);
                    }

                    bytes = Bytes(strings);
                    break;
                default:
                    throw new NotSupportedException($"no generator for {datatype} (input {spec["name"]}): add one for this bundled model");
            }

            json.Add(Input(spec["name"]!.GetValue<string>(), datatype, shape, data));
            raw.Add(bytes);
        }

        return (json, [.. raw]);
    }

    /// <summary>Adds the values to the JSON data and returns them as the raw little-endian bytes gRPC carries.</summary>
    private static byte[] Numbers<T>(T[] values, JsonArray data, Action<Span<byte>, T> write)
        where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            data.Add(values[i]);
            write(bytes.AsSpan(i * size), values[i]);
        }

        return bytes;
    }

    private static JsonObject Input(string name, string datatype, long[] shape, JsonArray? data)
    {
        var input = new JsonObject
        {
            ["name"] = name,
            ["datatype"] = datatype,
            ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)JsonValue.Create(d))]),
        };
        if (data is not null)
        {
            input["data"] = data;
        }

        return input;
    }

    // Triton's BYTES encoding: each element a 4-byte little-endian length, then its UTF-8 bytes.
    private static byte[] Bytes(string[] strings)
    {
        using var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (string s in strings)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(s);
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            stream.Write(length);
            stream.Write(utf8);
        }

        return stream.ToArray();
    }

    internal static JsonNode Ok(Dictionary<string, JsonNode> results, string name)
    {
        Assert.True(results.TryGetValue(name, out var result), $"no result for '{name}'");
        Assert.True(result["ok"]!.GetValue<bool>(), $"'{name}' failed: {result.ToJsonString()}");
        return result["response"]!;
    }

    internal static void AssertStatus(Dictionary<string, JsonNode> results, string name, int code, string? messagePart)
    {
        Assert.True(results.TryGetValue(name, out var result), $"no result for '{name}'");
        Assert.False(result["ok"]!.GetValue<bool>(), $"'{name}' succeeded; expected status {code}: {result.ToJsonString()}");
        Assert.True(result["code"]!.GetValue<int>() == code, $"'{name}': expected status {code}, got {result.ToJsonString()}");
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, result["details"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    // Names, datatypes and shapes, comparable across the two encodings (gRPC's int64 arrive as strings).
    private static string[] Describe(JsonNode tensors) =>
        [.. tensors.AsArray().Select(t => $"{t!["name"]}:{t["datatype"]}:[{string.Join(',', t["shape"]!.AsArray().Select(d => d!.ToString()))}]")];

    private static void AssertSameOutputs(string model, JsonNode httpOutputs, JsonNode grpc)
    {
        var outputs = grpc["outputs"]!.AsArray();
        var raw = grpc["raw_output_contents"]!.AsArray();
        Assert.True(outputs.Count == httpOutputs.AsArray().Count && raw.Count == outputs.Count, $"{model}: output counts differ: {grpc.ToJsonString()[..Math.Min(400, grpc.ToJsonString().Length)]}");
        for (int i = 0; i < outputs.Count; i++)
        {
            var http = httpOutputs[i]!;
            var output = outputs[i]!;
            string name = http["name"]!.GetValue<string>(), datatype = http["datatype"]!.GetValue<string>();
            Assert.Equal(name, output["name"]!.GetValue<string>());
            Assert.Equal(datatype, output["datatype"]!.GetValue<string>());
            Assert.Equal(http["shape"]!.AsArray().Select(d => d!.ToString()), output["shape"]!.AsArray().Select(d => d!.ToString()));
            byte[] bytes = Convert.FromBase64String(raw[i]!.GetValue<string>());
            var expected = http["data"]!.AsArray();
            switch (datatype)
            {
                case "FP32":
                    Assert.Equal(expected.Count * 4, bytes.Length);
                    for (int j = 0; j < expected.Count; j++)
                    {
                        double actual = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(j * 4));
                        Assert.True(Math.Abs(actual - expected[j]!.GetValue<double>()) <= Tolerance, $"{model} {name}[{j}]: gRPC {actual} vs HTTP {expected[j]}");
                    }

                    break;
                case "INT64":
                    Assert.Equal(expected.Count * 8, bytes.Length);
                    for (int j = 0; j < expected.Count; j++)
                    {
                        Assert.Equal(expected[j]!.GetValue<long>(), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(j * 8)));
                    }

                    break;
                case "BOOL":
                    Assert.Equal([.. expected.Select(e => e!.GetValue<bool>() ? (byte)1 : (byte)0)], bytes);
                    break;
                case "BYTES":
                    Assert.Equal(Bytes([.. expected.Select(e => e!.GetValue<string>())]), bytes);
                    break;
                default:
                    throw new NotSupportedException($"{model} output {name} is {datatype}: add its comparison");
            }
        }
    }
}
