namespace MaaS.Gateway.FunctionalTests.Market;

public sealed class QuantizeTests
{
    [Fact]
    public async Task Quantize_OwnModel_NextVersionIsInt8WithCardAndAgreesWithFp32()
    {
        await using var gateway = SecureGateway.Start();
        string admin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        await gateway.PublishMlpAsync(admin, "churn", "tenant");

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/acme.churn/versions/1/quantize", admin);
        var (_, fp32) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/acme.churn/versions/1/infer", admin, SecureGateway.MlpInferBody);
        var (_, int8) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/acme.churn/versions/2/infer", admin, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("acme.churn", 2L, "tenant"), (body!["name"]!.GetValue<string>(), body["version"]!.GetValue<long>(), body["visibility"]!.GetValue<string>()));
        string version = Path.Combine(gateway.Host.PublishedDirectory, "acme.churn", "2");
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(version, "card.json")))!;
        Assert.Equal("dynamic-int8-per-channel", card["quantization"]!["method"]!.GetValue<string>());
        Assert.Equal("acme.churn", card["quantization"]!["source"]!["model"]!.GetValue<string>());
        Assert.Contains("int8", card["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("MatMulInteger", Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(version, "model.onnx"))));
        float[] expected = Probabilities(fp32!);
        float[] actual = Probabilities(int8!);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) < 0.02f, $"class {i}: int8 {actual[i]} vs fp32 {expected[i]}");
        }
    }

    [Fact]
    public async Task Quantize_BundledModel_PublishedInTenantNamespaceAndServed()
    {
        await using var gateway = SecureGateway.Start(r => r.WithExampleMlp());
        string admin = await gateway.CreateKeyAsync("acme", ["admin", "app"]);

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/models/example-mlp/versions/1/quantize?scope=all", admin);
        using var infer = await gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.example-mlp/infer", admin, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("acme.example-mlp", 1L), (body!["name"]!.GetValue<string>(), body["version"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(gateway.Host.PublishedDirectory, "acme.example-mlp", "1", "card.json")))!;
        Assert.Equal("all", card["quantization"]!["scope"]!.GetValue<string>());
        Assert.Equal(3, card["quantization"]!["nodes"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/v1/models/nope/versions/1/quantize", HttpStatusCode.NotFound, "unknown model")]
    [InlineData("/v1/models/globex.secret/versions/1/quantize", HttpStatusCode.NotFound, "unknown model")]
    [InlineData("/v1/models/acme.churn/versions/9/quantize", HttpStatusCode.NotFound, "no version 9")]
    [InlineData("/v1/models/acme.churn/versions/1/quantize?scope=everything", HttpStatusCode.BadRequest, "scope must be")]
    [InlineData("/v1/models/acme.churn/versions/2/quantize", HttpStatusCode.BadRequest, "quantised already")]
    [InlineData("/v1/models/acme.churn/versions/x/quantize", HttpStatusCode.BadRequest, "")]
    public async Task Quantize_BadTarget_ClearClientErrorAndNothingPublished(string path, HttpStatusCode status, string fragment)
    {
        await using var gateway = SecureGateway.Start();
        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string globex = await gateway.CreateKeyAsync("globex", ["admin", "app"]);
        await gateway.PublishMlpAsync(globex, "secret");
        await gateway.PublishMlpAsync(acme, "churn");
        await gateway.SendAsync(HttpMethod.Post, "/v1/models/acme.churn/versions/1/quantize", acme);

        using var response = await gateway.SendAsync(HttpMethod.Post, path, acme);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(fragment, text);
        Assert.Equal(["1", "2"], Directory.GetDirectories(Path.Combine(gateway.Host.PublishedDirectory, "acme.churn")).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetDirectories(Path.Combine(gateway.Host.PublishedDirectory, "globex.secret")));
    }

    private static float[] Probabilities(JsonNode body) =>
        [.. body["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "probabilities")!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
}
