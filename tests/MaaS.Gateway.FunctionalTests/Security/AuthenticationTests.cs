namespace MaaS.Gateway.FunctionalTests.Security;

public sealed class AuthenticationTests
{
    private const string Infer = "/v2/models/example-mlp/infer";

    [Fact]
    public async Task Request_NoKeyOnV1_401ProblemDetailsWithChallenge()
    {
        await using var gateway = SecureGateway.Start();

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/models", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer realm=\"maas\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("Unauthorized", body!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_NoKeyOnV2_401ErrorObject()
    {
        await using var gateway = SecureGateway.Start();

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Infer, key: null, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("API key is required", body!["error"]!.GetValue<string>());
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("maas_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("maas_../../etc/passwd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("test-bootstrap-admin-key-0123456789abcdeX")]
    public async Task Request_BadKey_401InvalidToken(string key)
    {
        await using var gateway = SecureGateway.Start();

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Post, Infer, key, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("the API key is not valid", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_RightIdWrongSecret_401()
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);
        string forged = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var good = await gateway.SendAsync(HttpMethod.Post, Infer, key, SecureGateway.MlpInferBody);
        using var bad = await gateway.SendAsync(HttpMethod.Post, Infer, forged, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_NewKeyAsBearerOrXApiKey_WorksAtOnce(bool apiKeyHeader)
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);

        using var response = await gateway.SendAsync(HttpMethod.Post, Infer, key, SecureGateway.MlpInferBody, apiKeyHeader);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_RevokedKey_RefusedAtOnce()
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);
        string id = key.Split('_')[1];
        using (var before = await gateway.SendAsync(HttpMethod.Post, Infer, key, SecureGateway.MlpInferBody))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await gateway.SendAsync(HttpMethod.Delete, $"/v1/keys/{id}", SecureGateway.BootstrapKey);
        var (after, body) = await gateway.SendJsonAsync(HttpMethod.Post, Infer, key, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("the API key was revoked", body!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2")]
    [InlineData("/metrics")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Request_AnonymousEndpointWithoutKey_200(string path)
    {
        await using var gateway = SecureGateway.Start();

        using var response = await gateway.SendAsync(HttpMethod.Get, path, key: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_AuthDisabled_NoKeyNeededAndActsAsOperatorTenant()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Auth:Enabled"] = "false" });

        using var infer = await gateway.SendAsync(HttpMethod.Post, Infer, key: null, SecureGateway.MlpInferBody);
        var (keys, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys", key: null);

        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.NotNull(body!.AsArray());
    }

    [Fact]
    public async Task Response_AnyEndpoint_CarriesSecurityHeaders()
    {
        await using var gateway = SecureGateway.Start();

        using var api = await gateway.SendAsync(HttpMethod.Get, "/v2/health/ready", key: null);
        using var docs = await gateway.SendAsync(HttpMethod.Get, "/swagger/index.html", key: null);

        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", api.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", api.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", api.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", docs.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(api.Headers.Contains("Server"));
    }

    [Fact]
    public async Task CreateKey_Response_ShowsKeyOnceAndListNeverShowsSecret()
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", ["app"]);
        string secret = key.Split('_', 3)[2];

        var (response, body) = await gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys?tenant=acme", SecureGateway.BootstrapKey);
        string text = body!.ToJsonString();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(key.Split('_')[1], body.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
    }
}
