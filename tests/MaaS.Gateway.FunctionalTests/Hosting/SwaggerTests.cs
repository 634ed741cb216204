namespace MaaS.Gateway.FunctionalTests.Hosting;

public sealed class SwaggerTests
{
    [Fact]
    public async Task Swagger_BranchOfItsOwn_RedirectsToTheUiWithItsHeadersWhileOtherPathsPassBy()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        using var client = host.CreateClientWithoutRedirects();
        var ct = TestContext.Current.CancellationToken;

        using var redirect = await client.GetAsync("/swagger", ct);
        using var css = await client.GetAsync("/swagger/swagger-ui.css", ct);
        using var ping = await client.GetAsync("/v1/ping", ct);

        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.EndsWith("swagger/index.html", redirect.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Contains("script-src 'self' 'unsafe-inline'", string.Join(' ', css.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal("{\"status\":\"ok\"}", await ping.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task SwaggerJson_ListsEveryEndpoint()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (response, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");
        var ui = await host.Client.GetAsync("/swagger/index.html", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = body!["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        string[] expected =
        [
            "/v2", "/v2/health/live", "/v2/health/ready", "/v2/models", "/v2/models/{name}", "/v2/models/{name}/versions/{version}",
            "/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready", "/v2/models/{name}/infer",
            "/v2/models/{name}/versions/{version}/infer", "/v2/repository/index", "/v2/repository/models/{name}/load",
            "/v2/repository/models/{name}/unload", "/v2/repository/models/{name}/default", "/v2/models/{name}/stats",
            "/v2/models/stats", "/v2/models/{name}/config", "/v1/models", "/v1/models/{name}", "/metrics",
        ];
        foreach (string path in expected)
        {
            Assert.True(paths.Contains(path), $"swagger.json lacks {path}; it has {string.Join(", ", paths)}");
        }

        foreach (var (path, item) in body["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                Assert.False(string.IsNullOrEmpty(operation?["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
                var responses = operation!["responses"]!.AsObject().Select(r => r.Key).ToList();
                Assert.True(responses.Any(code => code.StartsWith('2')), $"{method} {path} documents no success response: {string.Join(", ", responses)}");
            }
        }

        var infer = body["paths"]!["/v2/models/{name}/infer"]!["post"]!;
        Assert.False(string.IsNullOrEmpty(infer["summary"]?.GetValue<string>()), "the infer endpoint needs a summary");
        Assert.NotNull(infer["responses"]!["429"]);
        Assert.True(infer["requestBody"]?["content"]?["application/json"]?["schema"] is not null, $"the infer JSON body must stay documented: {infer["requestBody"]}");
        Assert.Contains("Inference-Header-Content-Length", infer["description"]?.GetValue<string>() ?? "");
        Assert.NotNull(body["components"]!["schemas"]!["V2InferRequest"]);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task SwaggerJson_PublishAndKeys_BodiesAndStatusesFromTheSignatures()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (_, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        var publish = body!["paths"]!["/v1/models"]!["post"]!;
        var form = publish["requestBody"]?["content"]?["multipart/form-data"]?["schema"];
        Assert.True(form is not null, $"publish must document a multipart body: {publish["requestBody"]}");
        Assert.Equal("binary", form["properties"]!["model"]!["format"]!.GetValue<string>());
        Assert.NotNull(form["properties"]!["card"]);
        Assert.Equal(["card", "model"], form["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        Assert.Equal(["201", "400", "401", "403", "409", "413", "429", "503"], Statuses(publish));
        var createKey = body["paths"]!["/v1/keys"]!["post"]!;
        Assert.NotNull(createKey["requestBody"]?["content"]?["application/json"]?["schema"]);
        Assert.Equal(["201", "400", "401", "403", "413", "415", "429", "503"], Statuses(createKey));
        Assert.Equal(["204", "400", "401", "403", "404", "429", "503"], Statuses(body["paths"]!["/v1/models/{name}"]!["delete"]!));
        // Any valid key may discover models: no 403.
        Assert.Equal(["200", "401", "404", "429", "503"], Statuses(body["paths"]!["/v1/models/{name}"]!["get"]!));
    }

    /// <summary>Decide answers one decision or, with <c>slots</c>, one per slot: the document says both.</summary>
    [Fact]
    public async Task SwaggerJson_DecideAnswersTwoShapes_AnyOfBoth()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());

        var (_, body) = await host.GetJsonAsync("/swagger/v1/swagger.json");

        var answer = body!["paths"]!["/v1/agents/{name}/decide"]!["post"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("#/components/schemas/DecideAnswer", answer["$ref"]?.GetValue<string>());
        var schema = body["components"]!["schemas"]!["DecideAnswer"]!;
        var shapes = schema["anyOf"]?.AsArray().Select(s => s!["$ref"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["#/components/schemas/DecideResponse", "#/components/schemas/SlotsDecideResponse"], shapes);
        Assert.Null(schema["properties"]);
        Assert.NotNull(body["components"]!["schemas"]!["DecideResponse"]);
    }

    [Fact]
    public void DocumentationFiles_EveryMaaSProjectTheGatewayReferences_ItsXmlIsReadAndPresent()
    {
        // The gateway's own project references, read from its project file: a contract or answer moved to one of them
        // (as the answers and errors moved to MaaS.Http) keeps its summaries in the document without a list to edit.
        string project = Path.Combine(SharedData.RepositoryRoot, "src", "MaaS.Gateway", "MaaS.Gateway.csproj");
        var references = System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')) + ".xml")
            .ToList();

        var files = MaaS.Http.OpenApi.XmlDocumentation.Files(typeof(MaaS.Gateway.Hosting.SwaggerExtensions).Assembly);

        Assert.Contains("MaaS.Http.xml", references);
        Assert.All(references.Append("MaaS.Gateway.xml"), name =>
        {
            Assert.Contains(name, files);
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, name)), $"{name} is not beside the gateway: is its documentation file still generated?");
        });
    }

    private static string[] Statuses(System.Text.Json.Nodes.JsonNode operation) =>
        [.. operation["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal)];
}
