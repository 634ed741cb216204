namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// One shape for every /v1 list and one vocabulary for every /v1 job (issue #14), held from the document: each GET
/// collection the document lists answers a bare JSON array paged by <c>limit</c> and <c>after</c> with a <c>Link</c>
/// header, so a list added in another shape fails here without a line changed; and both job kinds answer
/// <c>status</c> in the job store's words with <c>phase</c> text and a <c>progress</c> fraction.
/// </summary>
public sealed class UniformListsTests(DemoGatewayFixture fixture) : IClassFixture<DemoGatewayFixture>
{
    /// <summary>
    /// GET operations whose path ends in a word but which answer one document, not a collection; each says why it is
    /// not paged.
    /// </summary>
    private static readonly Dictionary<string, string> NotCollections = new(StringComparer.Ordinal)
    {
        ["/v1/ping"] = "liveness: a constant",
        ["/v1/users/{id}/analysis"] = "one computed analysis of the user",
        ["/v1/users/{id}/export"] = "the right-of-access export: everything stored about one user as one document",
        ["/v1/trainings/{id}/events"] = "a Server-Sent Events stream of one job",
        ["/v1/items/{id}/similar"] = "a ranking computed per request and cut at count (1..100), as POST /v1/recommend and /v1/search are; no stored order to page by",
        ["/v1/search/suggest"] = "search as you type: a ranking computed per keystroke and cut at count (1..20), as /v1/search is; no stored order to page by",
        ["/v1/recommendations/attribution"] = "one report of a bounded range (at most 744 hourly or 366 daily buckets) with its totals: the range is the page",
    };

    /// <summary>The GET collections of /v1: a path that ends in a word (not an {id}) and is not in <see cref="NotCollections"/>.</summary>
    private IEnumerable<DocumentedOperation> Collections => fixture.Operations.Where(o =>
        o.Method == "GET" && o.Path.StartsWith("/v1/", StringComparison.Ordinal) && !o.Path.EndsWith('}') && !NotCollections.ContainsKey(o.Path));

    [Fact]
    public async Task EveryGetCollection_DocumentedAndAnsweredAsAPagedBareArray()
    {
        // The shares example names the model the publish example publishes.
        using (var publish = fixture.Operations.Single(o => o.ToString() == "POST /v1/models").ExampleRequest(SecureGateway.BootstrapKey, TinyClassifier.Build()))
        using (var published = await fixture.Gateway.Client.SendAsync(publish, Ct))
        {
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        var wrong = new List<string>();
        foreach (var operation in Collections)
        {
            var parameters = (operation.Operation["parameters"] as JsonArray ?? []).Select(p => p!["name"]!.GetValue<string>()).ToList();
            var ok = operation.Operation["responses"]?["200"];
            string? schemaType = ok?["content"]?["application/json"]?["schema"]?["type"]?.ToString();
            if (!parameters.Contains("limit") || !parameters.Contains("after") || schemaType != "array" || ok?["headers"]?["Link"] is null)
            {
                wrong.Add($"{operation}: parameters [{string.Join(',', parameters)}], 200 schema type {schemaType ?? "(none)"}, Link header documented: {ok?["headers"]?["Link"] is not null}");
                continue;
            }

            // Called with its examples but no cursor (a fresh list may not hold the example's item) and a page of two.
            string uri = Regex.Replace(operation.ExampleUri(), @"([?&])(after|limit)=[^&]*", "$1").TrimEnd('?', '&').Replace("&&", "&", StringComparison.Ordinal);
            uri += (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=2";
            var (response, body) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, uri, SecureGateway.BootstrapKey);
            if (response.StatusCode != HttpStatusCode.OK || body is not JsonArray { Count: <= 2 })
            {
                wrong.Add($"{operation} (GET {uri}): {(int)response.StatusCode} {body?.ToJsonString()}");
            }
        }

        Assert.True(wrong.Count == 0, "collections not in the one list shape:\n" + string.Join('\n', wrong));
        Assert.Equal(
            ["/v1/agents", "/v1/items", "/v1/keys", "/v1/models", "/v1/models/{name}/shares", "/v1/recommendations/rebuilds", "/v1/trainings"],
            Collections.Select(o => o.Path).Order(StringComparer.Ordinal));
    }

    /// <summary>GET operations that answer an array in Triton's shape, which has no paging; each says why it stays small.</summary>
    private static readonly Dictionary<string, string> TritonArrays = new(StringComparer.Ordinal)
    {
        ["/v2/systemsharedmemory/status"] = "the tenant's registered regions: at most Serving:SharedMemory:MaxRegionsPerTenant (1..1024)",
        ["/v2/systemsharedmemory/region/{name}/status"] = "one region, as an array of one (Triton's shape)",
        ["/v2/cudasharedmemory/status"] = "always empty: no GPU shared memory",
    };

    [Fact]
    public void EveryGetAnsweringAnArray_IsPaged()
    {
        var unpaged = fixture.Operations
            .Where(o => !TritonArrays.ContainsKey(o.Path))
            .Where(o => o.Method == "GET" && o.Operation["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["type"]?.ToString() == "array")
            .Where(o => (o.Operation["parameters"] as JsonArray ?? []).Count(p => p!["name"]!.GetValue<string>() is "limit" or "after") != 2)
            .Select(o => o.ToString())
            .ToList();

        Assert.True(unpaged.Count == 0, "arrays without limit and after: " + string.Join(", ", unpaged));
    }

    [Fact]
    public void JobSchemas_BothKinds_StatusPhaseAndProgressOfOneType()
    {
        var schemas = fixture.Document["components"]!["schemas"]!;

        foreach (string job in new[] { "TrainingJobResponse", "RebuildJobResponse" })
        {
            var properties = schemas[job]!["properties"]!.AsObject();
            Assert.True(properties["status"]?["type"]?.ToString() == "string", $"{job}.status: {properties["status"]?.ToJsonString()}");
            Assert.True(properties["phase"]?["type"]?.ToString() == "string", $"{job}.phase: {properties["phase"]?.ToJsonString()}");
            Assert.True(properties["progress"]?["type"]?.ToString() == "number", $"{job}.progress: {properties["progress"]?.ToJsonString()}");
            Assert.False(properties.ContainsKey("state"), $"{job} still has state");
            // The words are listed for clients (an enum in the schema), and they are the store's, in its order.
            Assert.Equal(JobStates.Names, (properties["status"]?["enum"] as JsonArray ?? []).Select(v => v!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task JobAnswers_TrainingAndRebuild_StatusFromTheOneSetAndProgressAFraction()
    {
        var training = fixture.Operations.Single(o => o.ToString() == "POST /v1/trainings");
        using var trainingRequest = training.ExampleRequest(SecureGateway.BootstrapKey, []);
        using var submitted = await fixture.Gateway.Client.SendAsync(trainingRequest, Ct);
        var (rebuilt, rebuild) = await fixture.Gateway.SendJsonAsync(HttpMethod.Post, "/v1/recommendations/rebuild", SecureGateway.BootstrapKey, null);
        var (_, trainings) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/trainings", SecureGateway.BootstrapKey);
        var (_, rebuilds) = await fixture.Gateway.SendJsonAsync(HttpMethod.Get, "/v1/recommendations/rebuilds", SecureGateway.BootstrapKey);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (submitted.StatusCode, rebuilt.StatusCode));
        var jobs = trainings!.AsArray().Concat(rebuilds!.AsArray()).Append(rebuild).Append(JsonNode.Parse(await submitted.Content.ReadAsStringAsync(Ct))).ToList();
        Assert.True(jobs.Count >= 4, string.Join('\n', jobs.Select(j => j?.ToJsonString())));
        Assert.All(jobs, job =>
        {
            Assert.True(job!["status"]?.GetValue<string>() is { } status && JobStates.Names.Contains(status), job.ToJsonString());
            Assert.True(job["phase"]?.GetValue<string>() is { Length: > 0 }, job.ToJsonString());
            Assert.True(job["progress"]?.GetValue<double>() is >= 0 and <= 1, job.ToJsonString());
            Assert.Null(job["state"]);
        });
    }
}
