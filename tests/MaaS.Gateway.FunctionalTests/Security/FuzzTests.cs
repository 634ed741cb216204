using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// 10,000 generated requests (seeded) over every endpoint the app maps, enumerated from its EndpointDataSource so
/// endpoints added later are fuzzed too: random and mutated bodies, headers, keys, methods, route values and queries.
/// They open with a sweep that sends every endpoint taking a body its valid body with each position (member, element,
/// the root) replaced by null in turn, and mix in inputs to the shared sentiment model that disagree on a dimension.
/// No request may get a 5xx, and every model must still be ready and answer a valid request afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 10_000;
    private const int Seed = 20_261_123;

    [Fact]
    public async Task Fuzz_TenThousandRequestsOverEveryEndpoint_NoServerErrorAndStillHealthy()
    {
        await using var gateway = SecureGateway.Start(r => r.WithExampleMlp().WithShippedTextModels(), settings: new Dictionary<string, string?>
        {
            ["Auth:RateLimits:RequestsPerSecond"] = "1000000",
            ["Auth:RateLimits:Burst"] = "1000000",
            ["Auth:RateLimits:MaxConcurrentRequests"] = "1000",
            ["Auth:KeyLimitCeilings:RequestsPerSecond"] = "1000000",
            ["Auth:KeyLimitCeilings:Burst"] = "1000000",
            ["Auth:KeyLimitCeilings:MaxConcurrentRequests"] = "1000",
            ["Auth:Limits:MaxUploadBytes"] = "262144",
        });
        string app = await gateway.CreateKeyAsync("acme", ["app"]);
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);
        // The 8→16→3 variant of the example (1 KB) fits under the tight upload limit this test sets.
        await gateway.PublishMlpAsync(admin, "acme-model", "tenant");
        // Each fuzzed tenant gets a catalogue, events and a built index, so "index not built yet" (a designed 503)
        // cannot mask a real server error.
        string acmeSetup = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        foreach (string setup in new[] { acmeSetup, SecureGateway.BootstrapKey })
        {
            await SeedAsync(gateway, setup);
        }

        var endpoints = gateway.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, e.RoutePattern)))
            .ToArray();
        Assert.True(endpoints.Length >= 25, $"only {endpoints.Length} endpoints found");
        var sweep = NullSweep(endpoints);
        Assert.True(sweep.Count is > 200 and < Requests / 10, $"{sweep.Count} null-sweep requests");
        string[] keys = [app, admin, SecureGateway.BootstrapKey, "maas_0000000000000000_" + new string('A', 43), "garbage"];
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        int retried = 0;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            // A keep-alive connection the server closed after refusing a large body can fail the next send on it
            // (HTTP/1.1 does not retry POST): regenerate the same request from its seed and send it again.
            for (int attempt = 0; ; attempt++)
            {
                var rng = new Random(Seed + i);
                using var request = i < sweep.Count ? sweep[i].Request(acmeSetup) : Generate(rng, endpoints, keys);
                string description = $"#{i} {request.Method} {request.RequestUri}";
                try
                {
                    using var response = await gateway.Client.SendAsync(request, ct);
                    await response.Content.ReadAsByteArrayAsync(ct);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Enqueue($"{description} -> {(int)response.StatusCode}");
                    }

                    break;
                }
                catch (HttpRequestException) when (attempt < 2)
                {
                    Interlocked.Increment(ref retried);
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"{description} -> {e.GetType().Name}: {e.Message}");
                    break;
                }
            }
        });

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Requests} requests over {endpoints.Length} endpoints in {clock.Elapsed.TotalSeconds:0.0} s ({retried} resent after a closed connection); statuses: " +
            string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} failures, first: {string.Join("\n", failures.Take(20))}");
        using var ready = await gateway.SendAsync(HttpMethod.Get, "/v2/health/ready", key: null);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        foreach (string model in new[] { "example-mlp", "acme.acme-model", "sentiment", "content-tags" })
        {
            using var modelReady = await gateway.SendAsync(HttpMethod.Get, $"/v2/models/{model}/ready", app);
            Assert.True(modelReady.StatusCode == HttpStatusCode.OK, $"{model} not ready after the fuzz: {await modelReady.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        foreach (var (path, json) in new[] { ("/v2/models/sentiment/infer", SentimentInfer(new Random(Seed), consistent: true)), ("/v1/sentiment", ValidBody(null, "/v1/sentiment")), ("/v1/analyze", ValidBody(null, "/v1/analyze")) })
        {
            var (served, servedBody) = await gateway.SendJsonAsync(HttpMethod.Post, path, app, json);
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{path} after the fuzz: {(int)served.StatusCode} {servedBody?.ToJsonString()}");
        }

        float[] x = [0.5f, -1f, 0.25f, 2f, 0f, 1f, -0.5f, 0.75f];
        foreach (var (model, hidden) in new (string, int[])[] { ("example-mlp", [.. ExampleMlp.HiddenSizes]), ("acme.acme-model", [16]) })
        {
            var (infer, body) = await gateway.SendJsonAsync(HttpMethod.Post, $"/v2/models/{model}/infer", app, V2Json.Infer("input", "FP32", [1, 8], x));
            Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
            var (_, probabilities) = ExampleMlp.Reference(x, 1, hidden);
            var actual = V2Json.Floats(V2Json.Output(body, "probabilities"));
            Assert.Equal(probabilities.Length, actual.Length);
            for (int j = 0; j < actual.Length; j++)
            {
                Assert.Equal(probabilities[j], actual[j], 1e-4f);
            }
        }
    }

    private static async Task SeedAsync(SecureGateway gateway, string key)
    {
        string items = "{\"items\":[" + string.Join(',', Enumerable.Range(0, 20).Select(i => $"{{\"id\":\"m{i}\",\"kind\":\"movie\",\"title\":\"M {i}\",\"genres\":[\"Drama\"]}}")) + "]}";
        string events = "{\"events\":[" + string.Join(',', Enumerable.Range(0, 200).Select(i => $"{{\"eventId\":\"e{i}\",\"userId\":\"u{i % 15}\",\"itemId\":\"m{(i * 7 + i / 15) % 20}\",\"type\":\"play\"}}")) + "]}";
        foreach (var (method, path, body) in new[] { ("PUT", "/v1/items", items), ("POST", "/v1/events", events), ("POST", "/v1/recommendations/rebuild", "") })
        {
            using var response = await gateway.SendAsync(new HttpMethod(method), path, key, body);
            Assert.True(response.IsSuccessStatusCode, $"seeding {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.Headers.Location is { } job)
            {
                await WaitForBuildAsync(gateway, key, job.OriginalString);
            }
        }
    }

    /// <summary>Polls the rebuild job until it succeeds (a rebuild is a background job).</summary>
    private static async Task WaitForBuildAsync(SecureGateway gateway, string key, string job)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(50, TestContext.Current.CancellationToken))
        {
            var (_, status) = await gateway.SendJsonAsync(HttpMethod.Get, job, key);
            string? state = status?["status"]?.GetValue<string>();
            Assert.True(state is "queued" or "running" or "succeeded", $"seeding rebuild: {status?.ToJsonString()}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"seeding rebuild still {state} after 30 s");
            if (state == "succeeded")
            {
                return;
            }
        }
    }

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Names = ["example-mlp", "acme.acme-model", "sentiment", "content-tags", "ghost", "a", "../../etc/passwd", "..%2F..%2Fetc", "%00", "x%20y", "é✓", "CON", "-", "1", "0", "-1", "99999999999999999999", "%2e%2e", "a;b", "a%3Fb"];

    private static HttpRequestMessage Generate(Random rng, (string Method, RoutePattern Pattern)[] endpoints, string[] keys)
    {
        var (method, pattern) = endpoints[rng.Next(endpoints.Length)];
        if (rng.Next(10) == 0)
        {
            method = Methods[rng.Next(Methods.Length)];
        }

        bool destructive = method == "DELETE" || (pattern.RawText?.Contains("unload", StringComparison.Ordinal) ?? false);
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => RouteValue(rng, parameter.Name, destructive),
                    _ => "x",
                });
            }
        }

        if (rng.Next(4) == 0)
        {
            path.Append(Query(rng));
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path.Length == 0 ? "/" : path.ToString());
        int auth = rng.Next(10);
        if (auth < 8)
        {
            SecureGateway.Authorize(request, keys[rng.Next(keys.Length)], apiKeyHeader: rng.Next(2) == 0);
        }
        else if (auth == 8)
        {
            request.Headers.TryAddWithoutValidation("Authorization", AsciiText(rng, rng.Next(0, 300)));
        }

        if (rng.Next(5) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Fuzz-" + rng.Next(100), AsciiText(rng, rng.Next(0, 2000)));
        }

        if (method is not ("GET" or "HEAD" or "OPTIONS") || rng.Next(10) == 0)
        {
            request.Content = Body(rng, pattern.RawText ?? "");
        }

        return request;
    }

    private static string RouteValue(Random rng, string parameter, bool destructive)
    {
        string value = rng.Next(4) switch
        {
            0 when parameter == "version" => rng.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            0 or 1 => Names[rng.Next(Names.Length)],
            2 => Uri.EscapeDataString(RandomText(rng, rng.Next(1, 40))),
            _ => new string('a', rng.Next(1, 3000)),
        };
        // Unloading or deleting the models the final check infers on would be a legitimate call, not a fuzz finding.
        return destructive && value is "example-mlp" or "acme.acme-model" or "sentiment" or "content-tags" or "1" ? "ghost" : value;
    }

    private static string Query(Random rng)
    {
        string[] names = ["task", "tag", "q", "tenant", "limit", "ready", RandomText(rng, 5)];
        var parts = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => $"{Uri.EscapeDataString(names[rng.Next(names.Length)])}={Uri.EscapeDataString(RandomText(rng, rng.Next(0, 30)))}");
        return "?" + string.Join('&', parts);
    }

    private static HttpContent Body(Random rng, string route)
    {
        string valid = SecureGateway.MlpInferBody;
        switch (rng.Next(15))
        {
            case 12:
                return Json(NulledJson.At(ValidBody(rng, route), rng.Next(int.MaxValue)));
            case 13:
                return Json(SentimentInfer(rng, consistent: false));
            case 14:
                return Json(ValidBody(rng, route));
            case 0:
                return Json(valid);
            case 1:
                return Json(Mutate(rng, valid));
            case 2:
                return Json(valid[..rng.Next(valid.Length)]);
            case 3:
                return Json(new string('[', 5000) + new string(']', 5000));
            case 4:
                return Json("""{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[1e400,-1e400,"x",null,true,{},[],1]}]}""");
            case 5:
                return Json("""{"inputs":[{"name":"input","shape":[99999999999,99999999999],"datatype":"FP32","data":[]}]}""");
            case 6:
                return Json("""{"name":"x","roles":["app","admin","app"],"tenant":"acme","limits":{"requestsPerSecond":-1,"burst":0}}""");
            case 7:
                return Json("{\"tenant\":\"" + RandomText(rng, rng.Next(0, 100)) + "\"}");
            case 8:
                {
                    var form = new MultipartFormDataContent("b" + rng.Next());
                    byte[] bytes = new byte[rng.Next(0, 20_000)];
                    rng.NextBytes(bytes);
                    form.Add(new ByteArrayContent(bytes), "model", "model.onnx");
                    form.Add(new StringContent(Mutate(rng, SecureGateway.MlpCard("fuzz-" + rng.Next(1000)))), "card");
                    return form;
                }
            case 9:
                {
                    var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + RandomText(rng, 100)));
                    content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=" + (rng.Next(2) == 0 ? "xyz" : AsciiText(rng, 80)));
                    return content;
                }
            case 10:
                {
                    byte[] bytes = new byte[rng.Next(0, 50_000)];
                    rng.NextBytes(bytes);
                    var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new MediaTypeHeaderValue(rng.Next(2) == 0 ? "application/json" : "application/octet-stream");
                    return content;
                }
            default:
                return new StringContent(RandomText(rng, rng.Next(0, 500)), Encoding.UTF8, rng.Next(2) == 0 ? "text/plain" : "application/json");
        }
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    /// <summary>A request that sends <see cref="Body"/> to <see cref="Path"/>, authorised with the key it is given.</summary>
    private sealed record SweepRequest(string Method, string Path, string Body)
    {
        public HttpRequestMessage Request(string key)
        {
            var request = new HttpRequestMessage(new HttpMethod(Method), Path) { Content = Json(Body) };
            SecureGateway.Authorize(request, key, apiKeyHeader: false);
            return request;
        }
    }

    /// <summary>
    /// Every endpoint that takes a body, sent its valid body (both models' for infer) once per position with that
    /// position nulled; route values name the real models (a ghost where the call would unload or delete one).
    /// </summary>
    private static List<SweepRequest> NullSweep((string Method, RoutePattern Pattern)[] endpoints)
    {
        var sweep = new List<SweepRequest>();
        foreach (var (method, pattern) in endpoints.Where(e => e.Method is "POST" or "PUT" or "PATCH"))
        {
            string route = pattern.RawText ?? "";
            bool destructive = route.Contains("unload", StringComparison.Ordinal);
            var bodies = route.Contains("/infer", StringComparison.Ordinal)
                ? new[] { ("example-mlp", SecureGateway.MlpInferBody), ("sentiment", SentimentInfer(new Random(Seed), consistent: true)) }
                : [("example-mlp", ValidBody(null, route))];
            foreach (var (model, body) in bodies)
            {
                string path = string.Join("", pattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart { Name: "name" } => destructive ? "ghost" : model,
                    RoutePatternParameterPart { Name: "version" } => "1",
                    RoutePatternParameterPart { Name: "tenant" } => "acme",
                    _ => "x",
                }))));
                sweep.AddRange(NulledJson.EachNode(body).Select(nulled => new SweepRequest(method, path, nulled)));
            }
        }

        return sweep;
    }

    /// <summary>A valid body for the route (by its pattern), so that nulls and mutations reach the handler, not only the parser.</summary>
    private static string ValidBody(Random? rng, string route) => route switch
    {
        _ when route.Contains("/infer", StringComparison.Ordinal) && rng?.Next(2) == 0 => SentimentInfer(rng, consistent: true),
        _ when route.Contains("/infer", StringComparison.Ordinal) => SecureGateway.MlpInferBody,
        _ when route.StartsWith("/v1/sentiment", StringComparison.Ordinal) =>
            """{"texts":["a gorgeous, moving film","tedious and clumsy"],"model":"sentiment","version":1}""",
        _ when route.StartsWith("/v1/analyze", StringComparison.Ordinal) =>
            """{"items":[{"text":"a funny heist film with a great cast","title":"Heist"}],"model":"content-tags","version":1,"sentimentModel":"sentiment","sentimentVersion":1,"maxTags":3,"maxTerms":3}""",
        _ when route.StartsWith("/v1/keys", StringComparison.Ordinal) =>
            """{"name":"fuzz","roles":["app"],"tenant":"acme","limits":{"requestsPerSecond":5,"burst":10,"maxConcurrentRequests":2}}""",
        _ when route.StartsWith("/v1/items", StringComparison.Ordinal) =>
            """{"items":[{"id":"m1","kind":"movie","title":"M 1","genres":["Drama"],"tags":["a"],"text":"t","availableFrom":"2020-01-01","availableUntil":"2099-12-31"}]}""",
        _ when route.StartsWith("/v1/events", StringComparison.Ordinal) =>
            """{"events":[{"eventId":"fuzz-e","userId":"u1","itemId":"m1","type":"rate","value":4,"timestamp":"2024-01-01T00:00:00Z"},{"eventId":"fuzz-f","sessionId":"s1","itemId":"m2","type":"play"}]}""",
        _ when route.StartsWith("/v1/recommend", StringComparison.Ordinal) =>
            """{"userId":"u1","items":["m1"],"count":5,"filters":{"kind":"movie","genres":["Drama"],"excludeIds":["m2"],"availableNow":true},"diversity":0.5,"explain":true,"include":["metadata"],"strategy":"hybrid"}""",
        _ when route.Contains("/shares", StringComparison.Ordinal) => """{"tenant":"acme"}""",
        _ when route.Contains("/repository/index", StringComparison.Ordinal) => """{"ready":true}""",
        _ when route.EndsWith("/default", StringComparison.Ordinal) => """{"version":1}""",
        _ => SecureGateway.MlpInferBody,
    };

    /// <summary>
    /// A /v2 body for the shared sentiment model: ids and weights of one length, or (inconsistent) of lengths that each
    /// alone is well formed but that disagree with each other.
    /// </summary>
    private static string SentimentInfer(Random rng, bool consistent)
    {
        int length = rng.Next(1, 12);
        int weights = consistent ? length : length + rng.Next(1, 4);
        return new JsonObject
        {
            ["inputs"] = new JsonArray(
                V2Json.Input("ids", "INT64", [1, length], Enumerable.Range(0, length).Select(_ => (long)rng.Next(1000)).ToArray()),
                V2Json.Input("weights", "FP32", [1, weights], Enumerable.Range(0, weights).Select(_ => (float)rng.NextDouble()).ToArray())),
        }.ToJsonString();
    }

    private static string Mutate(Random rng, string text)
    {
        var chars = text.ToCharArray().ToList();
        int edits = rng.Next(1, 8);
        for (int e = 0; e < edits && chars.Count > 0; e++)
        {
            int at = rng.Next(chars.Count);
            switch (rng.Next(3))
            {
                case 0: chars[at] = "{}[]\",:0-9eE.\\ntrufalsenul"[rng.Next(26)]; break;
                case 1: chars.RemoveAt(at); break;
                default: chars.Insert(at, (char)rng.Next(32, 0x3000)); break;
            }
        }

        return new string([.. chars]);
    }

    /// <summary>Printable ASCII: what an HTTP client can put in a header value.</summary>
    private static string AsciiText(Random rng, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)rng.Next(0x20, 0x7F))]);

    private static string RandomText(Random rng, int length)
    {
        const string alphabet = "abcXYZ0189-_./\\%?#&=+;: '\"<>{}[]|`~!@$^*()éü✓💥\u0001\u007f";
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(alphabet[rng.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }
}
