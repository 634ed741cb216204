namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// Triton's trace extension over HTTP (<c>/v2/trace/setting</c>, <c>/v2/models/{name}/trace/setting</c>) on a real
/// gateway: the configured settings in Triton's shape, a model's overrides and their clearing, refusals naming the
/// setting with nothing changed, and only an admin of the operator tenant may read or change them.
/// </summary>
public sealed class TraceEndpointsTests
{
    private const string Global = "/v2/trace/setting";
    private const string Model = "/v2/models/example-mlp/trace/setting";
    private const string Bootstrap = SecureGateway.BootstrapKey;

    [Fact]
    public async Task Get_Configured_TritonsShapeForServerAndModel()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, "TIMESTAMPS,TENSORS");

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, Global, Bootstrap);
        var (_, model) = await gateway.SendJsonAsync(HttpMethod.Get, Model, Bootstrap);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        var expected = Settings(folder["trace.json"], ["TIMESTAMPS", "TENSORS"], "1000", "-1", "0");
        Assert.True(JsonNode.DeepEquals(expected, body), body!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, model), model!.ToJsonString());
    }

    /// <summary>Triton's test_http_clear_settings, in MaaS: a model's settings override the global ones, null clears them.</summary>
    [Fact]
    public async Task Post_ModelOverrideGlobalChangeThenClear_EachReadsItsOwnOrTheGlobal()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, "TIMESTAMPS");
        string file = folder["trace.json"];

        var (overridden, model) = await gateway.SendJsonAsync(HttpMethod.Post, Model, Bootstrap, """{"trace_rate":"12","log_frequency":"34"}""");
        var (_, global) = await gateway.SendJsonAsync(HttpMethod.Post, Global, Bootstrap, """{"trace_rate":"56","trace_count":"78","trace_level":["OFF"]}""");
        var (_, modelAfterGlobal) = await gateway.SendJsonAsync(HttpMethod.Get, Model, Bootstrap);
        var (_, globalCleared) = await gateway.SendJsonAsync(HttpMethod.Post, Global, Bootstrap, """{"trace_rate":null,"trace_count":null}""");
        var (_, modelCleared) = await gateway.SendJsonAsync(HttpMethod.Post, Model, Bootstrap, """{"trace_rate":null,"trace_level":null}""");

        Assert.True(overridden.StatusCode == HttpStatusCode.OK, $"{(int)overridden.StatusCode} {model}");
        AssertSettings(Settings(file, ["TIMESTAMPS"], "12", "-1", "34"), model, "the model's override");
        AssertSettings(Settings(file, ["OFF"], "56", "78", "0"), global, "the global change");
        AssertSettings(Settings(file, ["OFF"], "12", "78", "34"), modelAfterGlobal, "the model after the global change");
        AssertSettings(Settings(file, ["OFF"], "1000", "-1", "0"), globalCleared, "the global settings cleared to the configured ones");
        AssertSettings(Settings(file, ["OFF"], "1000", "-1", "34"), modelCleared, "the model's rate and level cleared to the global ones");
    }

    [Theory]
    [InlineData("""{"trace_rate":"0"}""", "trace_rate")]
    [InlineData("""{"trace_rate":5}""", "trace_rate")]
    [InlineData("""{"trace_rate":["5","6"]}""", "trace_rate")]
    [InlineData("""{"trace_count":"-2"}""", "trace_count")]
    [InlineData("""{"log_frequency":"often"}""", "log_frequency")]
    [InlineData("""{"trace_level":["ON"]}""", "trace_level")]
    [InlineData("""{"trace_level":["OFF","TIMESTAMPS"]}""", "trace_level")]
    [InlineData("""{"trace_level":[]}""", "trace_level")]
    [InlineData("""{"trace_level":[1]}""", "trace_level")]
    [InlineData("""{"trace_file":"/tmp/elsewhere.json"}""", "trace file location can not be updated through network protocol")]
    [InlineData("""{"trace_mode":"opentelemetry"}""", "trace_mode")]
    [InlineData("""{"trace_colour":"red"}""", "trace_colour")]
    [InlineData("""{"trace_rate":"1","trace_count":"x"}""", "trace_count")]
    [InlineData("""["trace_rate"]""", "JSON object")]
    [InlineData("""{"trace_rate":""", "JSON")]
    public async Task Post_BadValue_400NamingItAndNothingChanged(string json, string named)
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, "OFF");

        foreach (string path in new[] { Global, Model })
        {
            var (_, before) = await gateway.SendJsonAsync(HttpMethod.Get, path, Bootstrap);
            var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, path, Bootstrap, json);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {json}: {(int)response.StatusCode} {body}");
            Assert.Contains(named, body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
            var (_, after) = await gateway.SendJsonAsync(HttpMethod.Get, path, Bootstrap);
            Assert.True(JsonNode.DeepEquals(before, after), $"{path} {json} changed the settings: {before} -> {after}");
        }
    }

    [Fact]
    public async Task Post_LevelOnWithoutAConfiguredFile_400AndUnknownModel404()
    {
        await using var gateway = SecureGateway.Start();

        var (on, body) = await gateway.SendJsonAsync(HttpMethod.Post, Global, Bootstrap, """{"trace_level":["TIMESTAMPS"]}""");
        var (unknown, missing) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/no-such-model/trace/setting", Bootstrap, """{"trace_rate":"1"}""");
        var (unknownRead, _) = await gateway.SendJsonAsync(HttpMethod.Get, "/v2/models/no-such-model/trace/setting", Bootstrap);

        Assert.True(on.StatusCode == HttpStatusCode.BadRequest, $"{(int)on.StatusCode} {body}");
        Assert.Contains("Serving:Trace:File", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(unknown.StatusCode == HttpStatusCode.NotFound, $"{(int)unknown.StatusCode} {missing}");
        Assert.Contains("no-such-model", missing!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownRead.StatusCode);
    }

    [Fact]
    public async Task Trace_CallerNotAnOperatorAdmin_401Or403AndNothingChanged()
    {
        using var folder = new TempFolder("maas-trace-");
        await using var gateway = Start(folder, "OFF");
        string operatorApp = await gateway.CreateKeyAsync("default", ["app"]);
        string tenantAdmin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string operatorAdmin = await gateway.CreateKeyAsync("default", ["admin"]);
        const string change = """{"trace_level":["TIMESTAMPS"],"trace_rate":"1"}""";

        foreach (var (key, status) in new[] { ((string?)null, HttpStatusCode.Unauthorized), (operatorApp, HttpStatusCode.Forbidden), (tenantAdmin, HttpStatusCode.Forbidden) })
        {
            foreach (string path in new[] { Global, Model })
            {
                foreach (var (method, json) in new[] { (HttpMethod.Get, (string?)null), (HttpMethod.Post, change) })
                {
                    var (response, body) = await gateway.SendJsonAsync(method, path, key, json);
                    Assert.True(response.StatusCode == status, $"{method} {path} with {(key is null ? "no key" : key == operatorApp ? "the operator's app key" : "another tenant's admin key")}: {(int)response.StatusCode} {body}");
                    Assert.False(string.IsNullOrEmpty(body?["error"]?.GetValue<string>()), $"no {{\"error\"}}: {body}");
                }
            }
        }

        var (read, settings) = await gateway.SendJsonAsync(HttpMethod.Get, Model, operatorAdmin);
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"the operator's admin key: {(int)read.StatusCode} {settings}");
        Assert.Equal(new JsonArray("OFF").ToJsonString(), settings!["trace_level"]!.ToJsonString());
    }

    [Fact]
    public async Task ServerMetadata_ListsTraceSequenceAndSchedulePolicy()
    {
        await using var gateway = SecureGateway.Start();

        var (_, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v2", key: null);

        var extensions = body!["extensions"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Contains("trace", extensions);
        Assert.Contains("sequence", extensions);
        Assert.Contains("schedule_policy", extensions); // the priority and timeout parameters (V2SchedulePolicy)
    }

    private static SecureGateway Start(TempFolder folder, string level) => SecureGateway.Start(settings: new Dictionary<string, string?>
    {
        ["Serving:Trace:File"] = folder["trace.json"],
        ["Serving:Trace:Level"] = level,
    });

    private static JsonObject Settings(string file, string[] level, string rate, string count, string frequency) => new()
    {
        ["trace_file"] = file,
        ["trace_level"] = new JsonArray([.. level.Select(l => (JsonNode)l)]),
        ["trace_rate"] = rate,
        ["trace_count"] = count,
        ["log_frequency"] = frequency,
        ["trace_mode"] = "triton",
    };

    private static void AssertSettings(JsonObject expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
}
