namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// Every role and tenant boundary as a table: who calls, what, and the status it must get. Forbidden calls are
/// refused with the right status (401 no key, 403 wrong role or tenant, 404 for models the tenant may not see) and
/// allowed calls work. Callers: none, operator (bootstrap admin+app of tenant default), appA/adminA (acme),
/// appB/adminB (globex), appC (initech).
/// </summary>
public sealed class RoleAndTenantBoundaryTests(BoundaryFixture fixture) : IClassFixture<BoundaryFixture>
{
    public static TheoryData<string, string, string, string?, int> Calls() => new()
    {
        // Open Inference Protocol: app role for inference and metadata.
        { "none", "POST", "/v2/models/example-mlp/infer", SecureGateway.MlpInferBody, 401 },
        { "appA", "POST", "/v2/models/example-mlp/infer", SecureGateway.MlpInferBody, 200 },
        { "adminA", "POST", "/v2/models/example-mlp/infer", SecureGateway.MlpInferBody, 403 },
        { "operator", "POST", "/v2/models/example-mlp/infer", SecureGateway.MlpInferBody, 200 },
        { "appA", "GET", "/v2/models/example-mlp", null, 200 },
        { "adminA", "GET", "/v2/models/example-mlp", null, 403 },
        { "none", "GET", "/v2/models/example-mlp/ready", null, 401 },
        { "appB", "GET", "/v2/models/stats", null, 200 },
        // Repository lifecycle: admin role of the owning tenant (bundled models belong to the operator).
        { "appA", "POST", "/v2/repository/index", null, 403 },
        { "adminA", "POST", "/v2/repository/index", null, 200 },
        { "appA", "POST", "/v2/repository/models/example-mlp/load", null, 403 },
        { "adminA", "POST", "/v2/repository/models/example-mlp/load", null, 403 },
        { "operator", "POST", "/v2/repository/models/example-mlp/load", null, 200 },
        { "adminA", "POST", "/v2/repository/models/acme.acme-public/load", null, 200 },
        { "adminB", "POST", "/v2/repository/models/acme.acme-public/load", null, 403 },
        { "adminB", "POST", "/v2/repository/models/acme.acme-public/unload", null, 403 },
        { "adminB", "POST", "/v2/repository/models/acme.acme-private/load", null, 404 },
        { "adminB", "POST", "/v2/repository/models/acme.acme-public/default", """{"version":1}""", 403 },
        { "adminA", "POST", "/v2/repository/models/example-mlp/default", """{"canary":null}""", 403 },
        { "adminB", "POST", "/v2/repository/models/acme.acme-public/default", """{"canary":null}""", 403 },
        { "adminA", "POST", "/v2/repository/models/acme.acme-public/default", """{"canary":null}""", 200 },
        // Discovery: any key.
        { "none", "GET", "/v1/models", null, 401 },
        { "appA", "GET", "/v1/models", null, 200 },
        { "adminA", "GET", "/v1/models", null, 200 },
        // Keys: admin role, own tenant unless operator.
        { "appA", "POST", "/v1/keys", """{"name":"x","roles":["app"]}""", 403 },
        { "adminA", "POST", "/v1/keys", """{"name":"x","roles":["app"]}""", 201 },
        { "adminA", "POST", "/v1/keys", """{"name":"x","roles":["admin"],"tenant":"globex"}""", 403 },
        { "operator", "POST", "/v1/keys", """{"name":"x","roles":["app"],"tenant":"globex"}""", 201 },
        { "adminA", "POST", "/v1/keys", """{"name":"x","roles":["root"]}""", 400 },
        { "appA", "GET", "/v1/keys", null, 403 },
        { "adminA", "GET", "/v1/keys", null, 200 },
        { "adminA", "GET", "/v1/keys?tenant=globex", null, 403 },
        { "operator", "GET", "/v1/keys?tenant=globex", null, 200 },
        { "appA", "DELETE", "/v1/keys/0123456789abcdef", null, 403 },
        { "adminA", "DELETE", "/v1/keys/0123456789abcdef", null, 404 },
        // Market write side: admin role of the owner.
        { "appA", "POST", "/v1/models", "{}", 403 },
        { "adminA", "POST", "/v1/models", "{}", 400 },
        { "appA", "POST", "/v1/models/acme.acme-shared/shares", """{"tenant":"initech"}""", 403 },
        { "adminB", "POST", "/v1/models/acme.acme-public/shares", """{"tenant":"globex"}""", 403 },
        { "adminB", "POST", "/v1/models/acme.acme-private/shares", """{"tenant":"globex"}""", 404 },
        { "adminB", "DELETE", "/v1/models/acme.acme-public", null, 403 },
        { "adminB", "DELETE", "/v1/models/acme.acme-private", null, 404 },
        { "adminA", "DELETE", "/v1/models/example-mlp", null, 403 },
        // Tenant visibility of models: invisible means 404, never 403.
        { "appA", "POST", "/v2/models/acme.acme-private/infer", SecureGateway.MlpInferBody, 200 },
        { "appB", "POST", "/v2/models/acme.acme-private/infer", SecureGateway.MlpInferBody, 404 },
        { "appB", "GET", "/v2/models/acme.acme-private", null, 404 },
        { "appB", "GET", "/v2/models/acme.acme-private/ready", null, 404 },
        { "appB", "GET", "/v2/models/acme.acme-private/stats", null, 404 },
        { "appB", "GET", "/v1/models/acme.acme-private", null, 404 },
        { "appB", "POST", "/v2/models/acme.acme-shared/infer", SecureGateway.MlpInferBody, 200 },
        { "appC", "POST", "/v2/models/acme.acme-shared/infer", SecureGateway.MlpInferBody, 404 },
        { "appC", "POST", "/v2/models/acme.acme-public/infer", SecureGateway.MlpInferBody, 200 },
        { "appC", "POST", "/v2/models/acme.acme-public/versions/1/infer", SecureGateway.MlpInferBody, 200 },
        { "appC", "POST", "/v2/models/acme.acme-private/versions/1/infer", SecureGateway.MlpInferBody, 404 },
        // Anonymous operations endpoints and the default for unknown or future routes (an app key).
        { "none", "GET", "/v2/health/ready", null, 200 },
        { "none", "GET", "/metrics", null, 200 },
        { "none", "GET", "/v1/not-yet-written", null, 401 },
        { "appA", "GET", "/v1/not-yet-written", null, 404 },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Call_CallerAndEndpoint_ExpectedStatus(string caller, string method, string path, string? body, int expected)
    {
        var (response, json) = await fixture.Gateway.SendJsonAsync(new HttpMethod(method), path, fixture.Keys[caller], body);

        Assert.True(expected == (int)response.StatusCode, $"{caller} {method} {path}: expected {expected}, got {(int)response.StatusCode} {json?.ToJsonString()}");
        if (expected >= 400)
        {
            // Errors keep the protocol's shape: {"error"} on /v2, ProblemDetails elsewhere.
            if (path.StartsWith("/v2", StringComparison.Ordinal))
            {
                Assert.False(string.IsNullOrEmpty(json?["error"]?.GetValue<string>()), $"{path}: {json?.ToJsonString()}");
            }
            else
            {
                Assert.Equal(expected, json?["status"]?.GetValue<int>());
            }
        }
    }

    [Fact]
    public async Task InvisibleModel_404_IdenticalToUnknownModel()
    {
        var (hidden, hiddenBody) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/acme.acme-private/infer", fixture.Keys["appB"], SecureGateway.MlpInferBody);
        var (unknown, unknownBody) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/acme.acme-nothing/infer", fixture.Keys["appB"], SecureGateway.MlpInferBody);

        Assert.Equal(unknown.StatusCode, hidden.StatusCode);
        Assert.Equal(unknownBody!["error"]!.GetValue<string>().Replace("acme.acme-nothing", "X"), hiddenBody!["error"]!.GetValue<string>().Replace("acme.acme-private", "X"));
    }

    [Theory]
    [InlineData("appA", new[] { "acme.acme-private", "acme.acme-public", "acme.acme-shared", "example-mlp" })]
    [InlineData("appB", new[] { "acme.acme-public", "acme.acme-shared", "example-mlp" })]
    [InlineData("appC", new[] { "acme.acme-public", "example-mlp" })]
    public async Task ListModels_EachTenant_SeesOnlyWhatItMay(string caller, string[] expected)
    {
        var (v1, v1Body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models", fixture.Keys[caller]);
        var (v2, v2Body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v2/models", fixture.Keys[caller]);

        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        Assert.Equal(expected, v1Body!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Order());
        Assert.Equal(expected, v2Body!["models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task RepositoryIndex_OtherTenantsAdmin_DoesNotSeePrivateModels()
    {
        var (_, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v2/repository/index", fixture.Keys["adminB"]);

        var names = body!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToHashSet();
        Assert.DoesNotContain("acme.acme-private", names);
        Assert.Contains("acme.acme-shared", names);
    }

    [Fact]
    public async Task Discovery_Filters_TaskTagAndText()
    {
        var key = fixture.Keys["appA"];

        var (_, byTask) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models?task=classification&tag=tabular", key);
        var (_, byText) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models?q=PRIVATE", key);
        var (_, none) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models?task=sentiment&q=acme", key);

        Assert.Equal(["acme.acme-private", "acme.acme-public", "acme.acme-shared"], byTask!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Order());
        var only = Assert.Single(byText!.AsArray())!;
        Assert.Equal("acme.acme-private", only["name"]!.GetValue<string>());
        Assert.Equal("acme", only["owner"]!.GetValue<string>());
        Assert.Equal("private", only["visibility"]!.GetValue<string>());
        Assert.Equal(0.91, only["versions"]![0]!["card"]!["metrics"]!["accuracy"]!.GetValue<double>());
        Assert.Empty(none!.AsArray());
    }

    [Fact]
    public async Task Discovery_SharedWith_ShownToOwnerOnly()
    {
        var (_, owner) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/acme.acme-shared", fixture.Keys["appA"]);
        var (_, grantee) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/models/acme.acme-shared", fixture.Keys["appB"]);

        Assert.Equal(["globex"], owner!["sharedWith"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Null(grantee!["sharedWith"]);
        Assert.Equal("tenant", grantee["visibility"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokeKey_OtherTenantsAdmin_404AndKeyKeepsWorking()
    {
        string victim = await fixture.Gateway.CreateKeyAsync("acme", ["app"]);
        string id = victim.Split('_')[1];

        var (revoke, problem) = await fixture.Gateway.SendJsonAsync(HttpMethod.Delete, $"/v1/keys/{id}", fixture.Keys["adminB"]);
        var (_, unknown) = await fixture.Gateway.SendJsonAsync(HttpMethod.Delete, "/v1/keys/0123456789abcdef", fixture.Keys["adminB"]);
        using var still = await fixture.Gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", victim, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(("NotFound", "Not found", "no such key in this tenant"),
            (problem!["code"]!.GetValue<string>(), problem["title"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
        Assert.Equal(problem["detail"]!.GetValue<string>(), unknown!["detail"]!.GetValue<string>());
        Assert.Null(problem["errors"]);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task GetKey_CreatedKeysLocation_AnswersItsListedRecordToItsTenantAndTheOperatorOnly()
    {
        var (created, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", fixture.Keys["adminB"], """{"name":"located","roles":["app"]}""");
        string location = created.Headers.Location!.OriginalString;

        var (own, record) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, location, fixture.Keys["adminB"]);
        var (_, listed) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys", fixture.Keys["adminB"]);
        var (other, problem) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, location, fixture.Keys["adminA"]);
        var (unknown, unknownProblem) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys/0123456789abcdef", fixture.Keys["adminA"]);
        var (operatorView, operatorRecord) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, location, fixture.Keys["operator"]);
        var (app, _) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, location, fixture.Keys["appB"]);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (own.StatusCode, operatorView.StatusCode));
        var expected = listed!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "located")!.ToJsonString();
        Assert.Equal(expected, record!.ToJsonString());
        Assert.Equal(expected, operatorRecord!.ToJsonString());
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.Forbidden), (other.StatusCode, unknown.StatusCode, app.StatusCode));
        Assert.Equal("no such key in this tenant", problem!["detail"]!.GetValue<string>());
        Assert.Equal(problem["detail"]!.GetValue<string>(), unknownProblem!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateKey_UnknownRole_400NamesTheBodysRolesFieldInTheErrorsList()
    {
        var (created, problem) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", fixture.Keys["adminB"], """{"name":"x","roles":["root"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Equal("1 problem(s); first: roles: must be a non-empty subset of admin, app", problem!["detail"]!.GetValue<string>());
        Assert.Equal("""[{"field":"roles","reason":"must be a non-empty subset of admin, app"}]""", problem["errors"]!.ToJsonString());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("GET")]
    public async Task Key_MalformedId_400NamesTheRoutesIdField(string method)
    {
        var (answer, problem) = await fixture.Gateway.SendJsonAsync(new HttpMethod(method), "/v1/keys/nope", fixture.Keys["adminB"]);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("1 problem(s); first: id: must be 8-32 lower-case letters or digits", problem!["detail"]!.GetValue<string>());
        Assert.Equal("""[{"field":"id","reason":"must be 8-32 lower-case letters or digits"}]""", problem["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task ListKeys_Admin_SeesOwnTenantOnly()
    {
        var (_, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/keys", fixture.Keys["adminB"]);

        Assert.All(body!.AsArray(), k => Assert.Equal("globex", k!["tenant"]!.GetValue<string>()));
        Assert.NotEmpty(body.AsArray());
    }

    [Fact]
    public async Task CreateKey_AdminKeyOfTenant_NewKeyActsInThatTenant()
    {
        var (created, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/keys", fixture.Keys["adminB"], """{"name":"b2","roles":["app"]}""");
        string key = body!["key"]!.GetValue<string>();

        using var hidden = await fixture.Gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.acme-private/infer", key, SecureGateway.MlpInferBody);
        using var shared = await fixture.Gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.acme-shared/infer", key, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("globex", body["details"]!["tenant"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        _ = JsonNode.Parse("{}");
    }
}
