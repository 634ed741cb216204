namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// One secure gateway shared by the boundary tables: tenants acme and globex each with an app key and an
/// admin-only key, the operator's bootstrap key, the bundled example-mlp, and acme's published models
/// acme.acme-private (private), acme.acme-shared (tenant, shared with globex), acme.acme-public (public).
/// </summary>
public sealed class BoundaryFixture : IAsyncLifetime
{
    public SecureGateway Gateway { get; private set; } = null!;

    public Dictionary<string, string?> Keys { get; } = new() { ["none"] = null, ["operator"] = SecureGateway.BootstrapKey };

    public async ValueTask InitializeAsync()
    {
        Gateway = SecureGateway.Start();
        Keys["appA"] = await Gateway.CreateKeyAsync("acme", ["app"]);
        Keys["adminA"] = await Gateway.CreateKeyAsync("acme", ["admin"]);
        Keys["appB"] = await Gateway.CreateKeyAsync("globex", ["app"]);
        Keys["adminB"] = await Gateway.CreateKeyAsync("globex", ["admin"]);
        Keys["appC"] = await Gateway.CreateKeyAsync("initech", ["app"]);
        foreach (var (name, visibility) in new[] { ("acme-private", "private"), ("acme-shared", "tenant"), ("acme-public", "public") })
        {
            await Gateway.PublishMlpAsync(Keys["adminA"]!, name, visibility);
        }

        using var share = await Gateway.SendAsync(HttpMethod.Post, "/v1/models/acme.acme-shared/shares", Keys["adminA"], """{"tenant":"globex"}""");
        Assert.Equal(HttpStatusCode.Created, share.StatusCode);
    }

    public async ValueTask DisposeAsync() => await Gateway.DisposeAsync();
}
