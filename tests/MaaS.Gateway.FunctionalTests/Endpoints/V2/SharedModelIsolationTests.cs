namespace MaaS.Gateway.FunctionalTests.Endpoints.V2;

/// <summary>
/// One tenant's malformed requests must not take a shared model away from the others: inputs that disagree on a
/// dimension are refused as the caller's error, never reach the runtime's internals, and never trip the circuit breaker.
/// </summary>
public sealed class SharedModelIsolationTests
{
    // Text a runtime failure would leak: ONNX Runtime's error prefix, its source paths and its node report.
    private static readonly string[] RuntimeInternals = ["[ErrorCode:", "onnxruntime", "Non-zero status code", "Status Message", ".cc:", ".h:"];

    [Fact]
    public async Task Infer_ThousandMismatchedSentimentInputsInterleavedWithValid_ValidAllAnsweredAndModelStaysReady()
    {
        // A breaker this sensitive opens within a few dozen counted failures: any leak into it shows.
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels(), new Dictionary<string, string?>
        {
            ["Serving:CircuitBreaker:MinimumThroughput"] = "5",
            ["Serving:CircuitBreaker:FailureRatio"] = "0.1",
            ["Serving:CircuitBreaker:BreakDurationSeconds"] = "60",
        });
        var failures = new ConcurrentQueue<string>();
        int bad = 0, valid = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 2_000), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            if (i % 2 == 0)
            {
                // ids [1, n] with weights [1, n + 1 + i % 3]: each alone is well formed, together they disagree on the length.
                int n = 2 + i % 5;
                var (response, body) = await host.PostJsonAsync("/v2/models/sentiment/infer", Mismatched(n, n + 1 + i % 3));
                string error = body?["error"]?.GetValue<string>() ?? "";
                if (response.StatusCode != HttpStatusCode.BadRequest || !error.Contains("'ids'", StringComparison.Ordinal) || !error.Contains("'weights'", StringComparison.Ordinal))
                {
                    failures.Enqueue($"mismatched #{i}: {(int)response.StatusCode} {body?.ToJsonString()}");
                }

                foreach (string leak in RuntimeInternals.Where(l => error.Contains(l, StringComparison.Ordinal)))
                {
                    failures.Enqueue($"mismatched #{i} leaks '{leak}': {error}");
                }

                Interlocked.Increment(ref bad);
                return;
            }

            var (path, json) = (i / 2 % 3) switch
            {
                0 => ("/v2/models/sentiment/infer", Consistent(i % 7 + 1)),
                1 => ("/v1/sentiment", """{ "texts": ["a gorgeous, moving film", "tedious and clumsy"] }"""),
                _ => ("/v1/analyze", """{ "items": [{ "text": "a funny heist film with a great cast" }] }"""),
            };
            var (ok, okBody) = await host.PostJsonAsync(path, json);
            if (ok.StatusCode != HttpStatusCode.OK)
            {
                failures.Enqueue($"valid #{i} {path}: {(int)ok.StatusCode} {okBody?.ToJsonString()}");
            }

            Interlocked.Increment(ref valid);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} failures over {bad} mismatched and {valid} valid requests, first: {string.Join("\n", failures.Take(10))}");
        var (ready, readyBody) = await host.GetJsonAsync("/v2/models/sentiment/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(readyBody!["ready"]!.GetValue<bool>());
    }

    private static string Mismatched(int ids, int weights) => new JsonObject
    {
        ["inputs"] = new JsonArray(
            V2Json.Input("ids", "INT64", [1, ids], Enumerable.Range(1, ids).Select(i => (long)i).ToArray()),
            V2Json.Input("weights", "FP32", [1, weights], Enumerable.Repeat(0.5f, weights).ToArray())),
    }.ToJsonString();

    private static string Consistent(int length) => new JsonObject
    {
        ["inputs"] = new JsonArray(
            V2Json.Input("ids", "INT64", [1, length], Enumerable.Range(1, length).Select(i => (long)i * 97).ToArray()),
            V2Json.Input("weights", "FP32", [1, length], Enumerable.Repeat(0.25f, length).ToArray())),
    }.ToJsonString();
}
