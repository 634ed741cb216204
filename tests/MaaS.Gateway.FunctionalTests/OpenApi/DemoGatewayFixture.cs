namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// One <see cref="DemoGateway"/> (auth on, demo data, bundled models) for the OpenAPI tests, its document, and an
/// app-only key of the operator tenant next to the bootstrap admin+app key.
/// </summary>
public sealed class DemoGatewayFixture : IAsyncLifetime
{
    public SecureGateway Gateway { get; private set; } = null!;

    public JsonNode Document { get; private set; } = null!;

    public string AppKey { get; private set; } = null!;

    internal IReadOnlyList<DocumentedOperation> Operations => DocumentedOperation.All(Document);

    public async ValueTask InitializeAsync()
    {
        Gateway = await DemoGateway.StartAsync(TestContext.Current.CancellationToken);
        // The document is public: read without a key, as Swagger UI reads it.
        var (response, body) = await Gateway.Host.GetJsonAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Document = body!;
        AppKey = await Gateway.CreateKeyAsync("default", ["app"]);
    }

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}
