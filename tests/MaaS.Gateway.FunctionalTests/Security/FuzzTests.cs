using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MaaS.Models.Examples;
using MaaS.TestSupport.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// 10,000 generated requests (seeded) over every endpoint the app maps, enumerated from its EndpointDataSource so
/// endpoints added later are fuzzed too: random and mutated bodies, headers, keys, methods, route values and queries.
/// No request may get a 5xx, and the server must still be ready and infer correctly afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 10_000;
    private const int Seed = 20_261_123;

    [Fact]
    public async Task Fuzz_TenThousandRequestsOverEveryEndpoint_NoServerErrorAndStillHealthy()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?>
        {
            ["Auth:RateLimits:RequestsPerSecond"] = "1000000",
            ["Auth:RateLimits:Burst"] = "1000000",
            ["Auth:RateLimits:MaxConcurrentRequests"] = "1000",
            ["Auth:Limits:MaxUploadBytes"] = "262144",
        });
        string app = await gateway.CreateKeyAsync("acme", ["app"]);
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);
        // The 8→16→3 variant of the example (1 KB) fits under the tight upload limit this test sets.
        var (published, _) = await gateway.PublishAsync(admin, ExampleMlp.BuildOnnx([16]), SecureGateway.MlpCard("acme-model", "tenant"));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
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
                var (method, pattern) = endpoints[rng.Next(endpoints.Length)];
                using var request = Generate(rng, method, pattern, keys);
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

    private static readonly string[] Names = ["example-mlp", "acme.acme-model", "ghost", "a", "../../etc/passwd", "..%2F..%2Fetc", "%00", "x%20y", "é✓", "CON", "-", "1", "0", "-1", "99999999999999999999", "%2e%2e", "a;b", "a%3Fb"];

    private static HttpRequestMessage Generate(Random rng, string method, RoutePattern pattern, string[] keys)
    {
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
            request.Content = Body(rng);
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
        return destructive && value is "example-mlp" or "acme.acme-model" or "1" ? "ghost" : value;
    }

    private static string Query(Random rng)
    {
        string[] names = ["task", "tag", "q", "tenant", "limit", "ready", RandomText(rng, 5)];
        var parts = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => $"{Uri.EscapeDataString(names[rng.Next(names.Length)])}={Uri.EscapeDataString(RandomText(rng, rng.Next(0, 30)))}");
        return "?" + string.Join('&', parts);
    }

    private static HttpContent Body(Random rng)
    {
        string valid = SecureGateway.MlpInfer();
        switch (rng.Next(12))
        {
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
