namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// The examples are a tour that works: every operation, called with nothing but its documented examples (and a small
/// model file for publishing) and the operator's key, succeeds on a fresh gateway. Reads and writes run in document
/// order, as a reader of Swagger UI tries them; deletions last, newest resource first.
/// </summary>
public sealed class OpenApiExamplesTests(DemoGatewayFixture fixture) : IClassFixture<DemoGatewayFixture>
{
    // Ids the server mints (a rebuild job, a key, a decision): the example shows the shape, and a well-formed unknown id is a 404.
    private static readonly HashSet<string> MintedIds =
    [
        "GET /v1/recommendations/rebuilds/{id}", "GET /v1/keys/{id}", "DELETE /v1/keys/{id}",
        "GET /v1/trainings/{id}", "GET /v1/trainings/{id}/events", "DELETE /v1/trainings/{id}",
        "POST /v1/agents/{name}/decisions/{decisionId}/activate",
        "GET /openai/v1/files/{file_id}", "GET /openai/v1/files/{file_id}/content", "DELETE /openai/v1/files/{file_id}",
        "POST /openai/v1/batches", "GET /openai/v1/batches/{batch_id}", "POST /openai/v1/batches/{batch_id}/cancel",
    ];

    // Lists whose 'after' example is such an id: the shape of a cursor, which names no item of a fresh list (a 400).
    private static readonly HashSet<string> MintedCursors = ["GET /v1/keys", "GET /v1/trainings", "GET /v1/recommendations/rebuilds", "GET /openai/v1/files", "GET /openai/v1/batches"];

    // Triton's shared memory extensions, which a fresh gateway refuses with the status given: system shared memory is
    // off by default (Serving:SharedMemory:Enabled; SharedMemoryEndpointsTests runs it on), and CUDA shared memory
    // answers as Triton without GPUs does.
    private static readonly Dictionary<string, HttpStatusCode> Refused = new(StringComparer.Ordinal)
    {
        ["GET /v2/systemsharedmemory/status"] = HttpStatusCode.BadRequest,
        ["GET /v2/systemsharedmemory/region/{name}/status"] = HttpStatusCode.BadRequest,
        ["POST /v2/systemsharedmemory/region/{name}/register"] = HttpStatusCode.BadRequest,
        ["POST /v2/systemsharedmemory/unregister"] = HttpStatusCode.BadRequest,
        ["POST /v2/systemsharedmemory/region/{name}/unregister"] = HttpStatusCode.BadRequest,
        ["GET /v2/cudasharedmemory/region/{name}/status"] = HttpStatusCode.NotFound,
        ["POST /v2/cudasharedmemory/region/{name}/register"] = HttpStatusCode.BadRequest,
    };

    [Fact]
    public async Task EveryOperation_ItsExamples_SucceedOnAFreshGateway()
    {
        byte[] model = TinyClassifier.Build();
        string bundled = Path.Combine(SharedData.RepositoryRoot, "models");
        var before = Directory.GetDirectories(bundled).Order(StringComparer.Ordinal).ToList();
        var operations = fixture.Operations;
        var ordered = operations.Where(o => o.Method != "DELETE").Concat(operations.Where(o => o.Method == "DELETE").Reverse()).ToList();
        var failures = new List<string>();
        foreach (var operation in ordered)
        {
            using var request = operation.ExampleRequest(SecureGateway.BootstrapKey, model);
            using var response = await fixture.Gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
            bool expected = Refused.TryGetValue(operation.ToString(), out var refused) ? response.StatusCode == refused
                : MintedIds.Contains(operation.ToString()) ? response.StatusCode == HttpStatusCode.NotFound
                : MintedCursors.Contains(operation.ToString()) ? response.StatusCode == HttpStatusCode.BadRequest
                : response.IsSuccessStatusCode;
            if (!expected)
            {
                string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                failures.Add($"{operation} ({request.RequestUri}): {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, "examples that do not work:\n" + string.Join('\n', failures));
        Assert.Contains(ordered, o => o.IsMultipart);
        // Publishing wrote into the gateway's temp repository, never into the working tree's bundled models.
        Assert.Equal(before, Directory.GetDirectories(bundled).Order(StringComparer.Ordinal));
    }
}
