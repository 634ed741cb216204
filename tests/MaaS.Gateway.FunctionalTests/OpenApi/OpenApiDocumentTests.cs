namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// The document against the gateway that serves it: each claim (who needs a key, which statuses, which error shape,
/// which examples) is checked by calling every operation, so a new endpoint is held to it without a line here.
/// </summary>
public sealed class OpenApiDocumentTests(DemoGatewayFixture fixture) : IClassFixture<DemoGatewayFixture>
{
    private static readonly byte[] Model = TinyClassifier.Build();

    [Fact]
    public async Task SecuritySchemes_BearerAndXApiKey_BothAcceptedByTheGateway()
    {
        var schemes = fixture.Document["components"]!["securitySchemes"]!;

        using var bearer = await fixture.Gateway.SendAsync(HttpMethod.Get, "/v1/ping", SecureGateway.BootstrapKey);
        using var header = await fixture.Gateway.SendAsync(HttpMethod.Get, "/v1/ping", SecureGateway.BootstrapKey, apiKeyHeader: true);

        Assert.Equal("http", schemes["bearer"]!["type"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("apiKey", schemes["apiKey"]!["type"]!.GetValue<string>());
        Assert.Equal("header", schemes["apiKey"]!["in"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", schemes["apiKey"]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
    }

    [Fact]
    public async Task EveryOperation_WithoutAKey_401ExactlyWhereTheDocumentAsksForOne()
    {
        var wrong = new List<string>();
        foreach (var operation in fixture.Operations)
        {
            using var request = operation.ExampleRequest(key: null, Model);
            using var response = await fixture.Gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
            bool refused = response.StatusCode == HttpStatusCode.Unauthorized;
            if (refused != operation.RequiresKey || operation.RequiresKey != operation.Statuses.Contains("401"))
            {
                wrong.Add($"{operation}: documented key={operation.RequiresKey}, statuses {string.Join(',', operation.Statuses)}; keyless call answered {(int)response.StatusCode}");
            }

            if (!operation.RequiresKey && operation.Statuses.Contains("403"))
            {
                wrong.Add($"{operation}: anonymous but documents 403");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        // Said explicitly either way: an anonymous operation carries an empty list, not nothing.
        Assert.All(fixture.Operations, o => Assert.True(o.Operation["security"] is JsonArray, $"{o} does not state its security"));
        Assert.Contains(fixture.Operations, o => !o.RequiresKey && o.Path == "/v2/health/ready");
    }

    [Fact]
    public async Task EveryOperation_AppOnlyKey_AnswersOnlyDocumentedStatuses()
    {
        var undocumented = new List<string>();
        int forbidden = 0;
        foreach (var operation in fixture.Operations.Where(o => o.RequiresKey))
        {
            using var request = operation.ExampleRequest(fixture.AppKey, Model);
            using var response = await fixture.Gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
            string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            forbidden += response.StatusCode == HttpStatusCode.Forbidden ? 1 : 0;
            if (!operation.Statuses.Contains(status))
            {
                undocumented.Add($"{operation}: answered {status} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}; documents {string.Join(',', operation.Statuses)}");
            }
        }

        Assert.True(undocumented.Count == 0, string.Join('\n', undocumented));
        Assert.True(forbidden > 0, "the app-only key met no admin operation; the check above proved nothing about 403");
    }

    [Fact]
    public async Task ErrorResponses_ProtocolShape_AndARealProblemFitsTheSchema()
    {
        var wrong = new List<string>();
        foreach (var operation in fixture.Operations)
        {
            foreach (var (status, response) in operation.Operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
            {
                var (mediaType, schemaName) = operation.Path.StartsWith("/v2", StringComparison.Ordinal) ? ("application/json", "V2ErrorResponse")
                    : operation.Path.StartsWith("/openai/", StringComparison.Ordinal) ? ("application/json", "OpenAiErrorResponse")
                    : ("application/problem+json", "ProblemDetails");
                var media = response!["content"]?[mediaType];
                string schema = media?["schema"]?.ToJsonString() ?? "none";
                if (!schema.Contains(schemaName, StringComparison.Ordinal) || media!["examples"] is not JsonObject { Count: > 0 })
                {
                    wrong.Add($"{operation} {status}: schema {schema}, examples {media?["examples"]?.ToJsonString() ?? "none"}");
                }
            }
        }

        var problem = fixture.Document["components"]!["schemas"]!["ProblemDetails"]!;
        var documented = problem["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
        var required = problem["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        var (answer, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommend", SecureGateway.BootstrapKey, """{"count":0}""");

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var members = body!.AsObject().Select(m => m.Key).ToList();
        Assert.True(members.All(documented.Contains), $"the 400 has members the schema lacks: {body.ToJsonString()}");
        Assert.True(required.All(members.Contains), $"the 400 lacks required members {string.Join(',', required)}: {body.ToJsonString()}");
        Assert.Contains(body["code"]!.GetValue<string>(), problem["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()));
        // A request-level field has no batch position: no index.
        Assert.Equal(["field", "reason"], body["errors"]![0]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal));

        // Under OpenAI's base URL, the same kind of refusal in OpenAI's object, every member the document names.
        var openAiError = fixture.Document["components"]!["schemas"]!["OpenAiError"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        var (openAiAnswer, openAiBody) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/openai/v1/embeddings", SecureGateway.BootstrapKey, """{"input":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, openAiAnswer.StatusCode);
        Assert.Equal("application/json", openAiAnswer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["error"], openAiBody!.AsObject().Select(m => m.Key));
        Assert.Equal(openAiError, openAiBody["error"]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task V2ModelRoutes_400OnlyWhereAVersionIsInThePath()
    {
        var reads = fixture.Operations.Where(o => o.Method == "GET" && o.Path.StartsWith("/v2/models/{name}", StringComparison.Ordinal)).ToList();

        using var malformed = await fixture.Gateway.SendAsync(HttpMethod.Get, "/v2/models/example-mlp/versions/x", SecureGateway.BootstrapKey);

        Assert.True(reads.Count >= 7, $"expected the /v2 model reads, found {string.Join(", ", reads)}");
        foreach (var operation in reads)
        {
            Assert.True(operation.Path.Contains("{version}", StringComparison.Ordinal) == operation.Statuses.Contains("400"), $"{operation} documents {string.Join(',', operation.Statuses)}");
        }

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    /// <summary>
    /// Every /v1 JSON request body, and every object it holds, says it has no other members (the gateway answers one
    /// with a 400), so Swagger UI and generated clients know; a free-form object (an agent's context) stays open with
    /// the type of its values; a contract an answer also holds (an agent's definition, a key's limits) is open, as
    /// every answer is.
    /// </summary>
    [Fact]
    public void V1RequestSchemas_AdditionalPropertiesFalse_FreeFormObjectsOpen()
    {
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();
        var answers = Reachable(AnswerRoots()).Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var requests = Reachable(fixture.Operations
            .Where(o => IsRequestContractPath(o.Path))
            .Select(o => (o.ToString(), o.Operation["requestBody"]?["content"]?["application/json"]?["schema"]))).ToList();

        var open = requests.Where(s => s.Name is null || !answers.Contains(s.Name)).Where(s => !Closed(s.Schema)).Select(s => s.At).ToList();
        var shared = requests.Select(s => s.Name).OfType<string>().Where(answers.Contains).ToList();
        var decide = schemas["DecideRequest"]!;

        Assert.True(requests.Count >= 20, $"expected the /v1 request schemas, found {string.Join(", ", requests.Select(s => s.At))}");
        Assert.True(open.Count == 0, "request schemas open to other members: " + string.Join(", ", open));
        Assert.Equal(false, decide["additionalProperties"]?.GetValue<bool>());
        Assert.Equal("number", decide["properties"]!["context"]!["additionalProperties"]?["type"]?.GetValue<string>());
        Assert.Superset(new HashSet<string> { "AgentDefinitionRequest", "KeyLimitsDto" }, shared.ToHashSet());
        Assert.All(shared, name => Assert.False(Closed(schemas[name]!), $"{name} is in an answer but closed"));
    }

    /// <summary>
    /// No schema a 2xx answer holds says <c>additionalProperties: false</c>, so a client generated with strict
    /// validation takes a member a later version adds; and only the /v1 request contracts (and /openai/v1's) say it (absent means
    /// allowed: /v2's KServe contracts and the error shapes say nothing).
    /// </summary>
    [Fact]
    public void AnswerSchemas_Every2xxOne_OpenToMembersALaterVersionAdds()
    {
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();
        var answers = Reachable(AnswerRoots());
        var requests = Reachable(fixture.Operations
            .Where(o => IsRequestContractPath(o.Path))
            .Select(o => (o.ToString(), o.Operation["requestBody"]?["content"]?["application/json"]?["schema"])))
            .Select(s => s.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);

        var closedAnswers = answers.Where(s => Closed(s.Schema)).Select(s => s.At).ToList();
        var closedElsewhere = schemas.Where(s => Closed(s.Value!) && !requests.Contains(s.Key)).Select(s => s.Key).ToList();

        Assert.True(answers.Count >= 40, $"expected the answers' schemas, found {string.Join(", ", answers.Select(s => s.At))}");
        Assert.Contains(answers, s => s.Name == "PingResponse");
        Assert.Contains(answers, s => s.Name == "RecommendResponse");
        Assert.True(closedAnswers.Count == 0, "answer schemas closed to other members: " + string.Join(", ", closedAnswers));
        Assert.True(closedElsewhere.Count == 0, "closed schemas that are no /v1 request contract: " + string.Join(", ", closedElsewhere));
    }

    /// <summary>The paths whose JSON request bodies are strict contracts: /v1, and OpenAI's API under /openai/v1, which
    /// refuses an unrecognised member as OpenAI does.</summary>
    private static bool IsRequestContractPath(string path) =>
        path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/openai/v1/", StringComparison.Ordinal);

    private static bool Closed(JsonNode schema) => schema["additionalProperties"] is JsonValue value && !value.GetValue<bool>();

    /// <summary>The schema of every 2xx answer's content, named by its operation and status.</summary>
    private IEnumerable<(string At, JsonNode? Schema)> AnswerRoots() =>
        from operation in fixture.Operations
        from response in operation.Operation["responses"]!.AsObject()
        where response.Key[0] == '2'
        from media in response.Value!["content"] as JsonObject ?? []
        select ($"{operation} {response.Key} {media.Key}", media.Value!["schema"]);

    /// <summary>
    /// Every object schema with properties reachable from the roots (a free-form dictionary has none): a component
    /// once, under its name; an inline one where it is met.
    /// </summary>
    private List<(string At, string? Name, JsonNode Schema)> Reachable(IEnumerable<(string At, JsonNode? Schema)> roots)
    {
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<(string At, string? Name, JsonNode Schema)>();
        foreach (var (at, root) in roots)
        {
            Walk(root, at, name: null);
        }

        return found;

        void Walk(JsonNode? schema, string at, string? name)
        {
            if (schema is null)
            {
                return;
            }

            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                name = reference[(reference.LastIndexOf('/') + 1)..];
                if (seen.Add(name))
                {
                    Walk(schemas[name], name, name);
                }

                return;
            }

            if (schema["properties"] is JsonObject)
            {
                found.Add((at, name, schema));
            }

            foreach (var (member, value) in schema["properties"] as JsonObject ?? [])
            {
                Walk(value, $"{at}.{member}", name: null);
            }

            foreach (string nested in (string[])["items", "additionalProperties"])
            {
                if (schema[nested] is JsonObject inner)
                {
                    Walk(inner, $"{at}.{nested}", name: null);
                }
            }

            foreach (var alternative in (schema["oneOf"] as JsonArray ?? []).Concat(schema["allOf"] as JsonArray ?? []).Concat(schema["anyOf"] as JsonArray ?? []))
            {
                Walk(alternative, at, name);
            }
        }
    }

    [Fact]
    public void Schemas_EveryOne_HasADescription()
    {
        var schemas = fixture.Document["components"]!["schemas"]!.AsObject();

        var undescribed = schemas.Where(s => string.IsNullOrWhiteSpace(s.Value!["description"]?.GetValue<string>())).Select(s => s.Key).ToList();

        Assert.True(schemas.Count > 50, $"expected the gateway's schemas, found {schemas.Count}");
        Assert.True(undescribed.Count == 0, $"schemas without a description: {string.Join(", ", undescribed)}");
    }

    [Fact]
    public void Tags_AppFacingFirst_EachDescribed_OneForTheModelFamily()
    {
        var tags = fixture.Document["tags"]!.AsArray().Select(t => t!.AsObject()).ToList();
        var names = tags.Select(t => t["name"]!.GetValue<string>()).ToList();
        var used = fixture.Operations.SelectMany(o => o.Operation["tags"]!.AsArray().Select(t => t!.GetValue<string>())).ToHashSet();

        Assert.Equal(["Recommendations", "Events", "Items", "Users", "Text", "Training", "Agents", "Models", "OpenAI-compatible", "Open Inference Protocol (V2)", "Keys", "Operations"], names);
        Assert.All(tags, t => Assert.False(string.IsNullOrWhiteSpace(t["description"]?.GetValue<string>()), $"tag {t["name"]} has no description"));
        Assert.Subset(names.ToHashSet(), used);
        var modelOperations = fixture.Operations.Where(o => o.Path.StartsWith("/v1/models", StringComparison.Ordinal)).ToList();
        Assert.True(modelOperations.Count >= 6 && modelOperations.All(o => o.Operation["tags"]![0]!.GetValue<string>() == "Models"), string.Join(", ", modelOperations));
        // Swagger UI lists operations in document order: the app's calls come before the protocol's.
        Assert.StartsWith("/v1/recommend", fixture.Operations[0].Path, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryParameterAndBody_HasAnExample()
    {
        var missing = new List<string>();
        foreach (var operation in fixture.Operations)
        {
            missing.AddRange((operation.Operation["parameters"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(p => p["example"] is null)
                .Select(p => $"{operation}: parameter {p["name"]}"));
            var content = operation.Operation["requestBody"]?["content"]?.AsObject();
            foreach (var (mediaType, media) in content ?? [])
            {
                bool example = mediaType == "multipart/form-data"
                    ? media!["schema"]!["properties"]!.AsObject().All(p => p.Value!["format"]?.GetValue<string>() == "binary" || p.Value["example"] is not null)
                    : media!["example"] is not null;
                if (!example)
                {
                    missing.Add($"{operation}: body {mediaType}");
                }
            }
        }

        Assert.True(missing.Count == 0, "no example: " + string.Join('\n', missing));
    }

    [Fact]
    public void ErrorExamples_FieldProblems_IndexOnlyForABatchPosition()
    {
        // A request-level field has no index in a real answer (FieldProblem.Index is left out, never -1).
        var wrong = fixture.Operations
            .SelectMany(o => o.Operation["responses"]!.AsObject()
                .SelectMany(r => (r.Value?["content"]?["application/problem+json"]?["examples"] as JsonObject ?? [])
                    .SelectMany(e => (e.Value?["value"]?["errors"] as JsonArray ?? []).OfType<JsonObject>())
                    .Where(p => p["index"] is { } index && index.GetValue<int>() < 0)
                    .Select(p => $"{o} {r.Key}: {p.ToJsonString()}")))
            .ToList();

        Assert.True(wrong.Count == 0, "examples with a negative index: " + string.Join('\n', wrong.Take(5)));
    }

    [Theory]
    // Defining reads no agent (no 404) and decides nothing (no 409); reading has no body (no 413, 415) and chooses
    // nothing; an outcome chooses nothing; deciding and evaluating may run an onnx policy model (its 500 and 504).
    [InlineData("PUT", "/v1/agents/{name}", "200,201,400,401,403,413,415,429,503")]
    [InlineData("GET", "/v1/agents/{name}", "200,400,401,403,404,429,503")]
    [InlineData("POST", "/v1/agents/{name}/decide", "200,400,401,403,404,409,413,415,429,500,503,504")]
    [InlineData("POST", "/v1/agents/{name}/outcomes", "200,400,401,403,404,413,415,429,503")]
    [InlineData("POST", "/v1/agents/{name}/evaluate", "200,400,401,403,404,409,413,415,429,500,503,504")]
    public void AgentOperations_DocumentTheStatusesTheirHandlersAnswer(string method, string path, string statuses)
    {
        var operation = fixture.Operations.Single(o => o.Method == method && o.Path == path);

        Assert.Equal(statuses, string.Join(',', operation.Statuses.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void EveryQueryParameter_HasADescription()
    {
        var undescribed = fixture.Operations
            .SelectMany(o => (o.Operation["parameters"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(p => p["in"]?.GetValue<string>() == "query" && string.IsNullOrWhiteSpace(p["description"]?.GetValue<string>()))
                .Select(p => $"{o}: {p["name"]}"))
            .ToList();

        Assert.True(undescribed.Count == 0, "query parameters without a description (a <param> on the handler gives one): " + string.Join(", ", undescribed));
    }

    [Fact]
    public void Servers_TheGatewayItself()
    {
        var servers = fixture.Document["servers"]!.AsArray();

        Assert.Equal("/", Assert.Single(servers)!["url"]!.GetValue<string>());
    }
}
