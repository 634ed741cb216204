namespace MaaS.Gateway.FunctionalTests.Market;

/// <summary>Per-tenant quotas at publish (Market:MaxModelsPerTenant, Market:MaxBytesPerTenant): 409 naming the limit.</summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task Publish_PastMaxModelsPerTenant_409NamingTheLimitUntilAModelIsDeleted()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Market:MaxModelsPerTenant"] = "1" });
        string acme = await gateway.CreateKeyAsync("acme", ["admin"]);
        string globex = await gateway.CreateKeyAsync("globex", ["admin"]);
        byte[] onnx = ExampleMlp.BuildOnnx([16]);
        Assert.Equal(HttpStatusCode.Created, (await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("one"))).Response.StatusCode);

        var (second, problem) = await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("two"));
        bool refusedWrote = Directory.Exists(Path.Combine(gateway.Host.PublishedDirectory, "acme.two"));
        var (newVersion, _) = await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("one"));
        var (otherTenant, _) = await gateway.PublishAsync(globex, onnx, SecureGateway.MlpCard("two"));
        using var deleted = await gateway.SendAsync(HttpMethod.Delete, "/v1/models/acme.one", acme);
        var (afterDelete, _) = await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("two"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(("Conflict", "the tenant has 1 models, the most it may have (1); delete one to publish another"),
            (problem!["code"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
        Assert.False(refusedWrote);
        Assert.Equal(HttpStatusCode.Created, newVersion.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Publish_PastMaxBytesPerTenant_409NamingTheLimitAndTheUsage()
    {
        byte[] onnx = ExampleMlp.BuildOnnx([16]);
        long limit = 2L * onnx.Length - 1;
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Market:MaxBytesPerTenant"] = limit.ToString(CultureInfo.InvariantCulture) });
        string acme = await gateway.CreateKeyAsync("acme", ["admin"]);
        Assert.Equal(HttpStatusCode.Created, (await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("one"))).Response.StatusCode);

        var (version2, problem) = await gateway.PublishAsync(acme, onnx, SecureGateway.MlpCard("one"));

        Assert.Equal(HttpStatusCode.Conflict, version2.StatusCode);
        Assert.Equal(
            $"the tenant's models hold {onnx.Length} bytes and this upload adds {onnx.Length}, more than its limit of {limit} bytes; delete a model or upload a smaller one",
            problem!["detail"]!.GetValue<string>());
        Assert.False(Directory.Exists(Path.Combine(gateway.Host.PublishedDirectory, "acme.one", "2")));
    }
}
