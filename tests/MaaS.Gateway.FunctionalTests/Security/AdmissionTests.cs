namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// Admission of costed work over real HTTP (issue #15, finding 5): a tenant's in-flight cap bounds its queue while
/// other tenants are served, the work budget is charged by size, and with auth off each client address has its own.
/// </summary>
public sealed class AdmissionTests
{
    private static readonly string Small = Texts(1, "a fine and moving film");

    // 16 texts of 20,000 characters: 16 + 320 = 336 work units, against 2 for Small.
    private static readonly string Large = Texts(16, new string('x', 19_990) + " fine film");

    [Fact]
    public async Task Admission_HeavyTenantQueueFull_HeavyRefusedBeforeReadLightServed()
    {
        await using var gateway = SecureGateway.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Auth:Admission:MaxConcurrentRequests"] = "2",
        });
        string heavy = await gateway.CreateKeyAsync("heavy", ["app"]);
        string light = await gateway.CreateKeyAsync("light", ["app"]);
        var release = new TaskCompletionSource();

        // Two requests of the heavy tenant whose bodies are held back fill its in-flight places (its queue).
        var held = Enumerable.Range(0, 2).Select(_ => SendHeldAsync(gateway, heavy, Small, release.Task)).ToArray();
        await gateway.WaitForInFlightAsync(2);
        var (refused, refusedBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/sentiment", heavy, Small);
        var lightAnswers = new List<HttpStatusCode>();
        for (int i = 0; i < 5; i++)
        {
            using var answer = await gateway.SendAsync(HttpMethod.Post, "/v1/sentiment", light, Small);
            lightAnswers.Add(answer.StatusCode);
        }

        bool heldStillWaiting = !held.Any(h => h.IsCompleted);
        release.SetResult();
        var heldStatuses = await Task.WhenAll(held);
        using var after = await gateway.SendAsync(HttpMethod.Post, "/v1/sentiment", heavy, Small);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("tenant 'heavy' has 2 costed requests in flight", refusedBody!["detail"]!.GetValue<string>());
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.True(heldStillWaiting, "the held requests finished before they were released");
        Assert.All(lightAnswers, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], heldStatuses);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Admission_BytesInFlightAtTheLimit_LargerBodyRefusedBeforeReadSmallerAdmitted()
    {
        await using var gateway = SecureGateway.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Auth:Admission:MaxInFlightBytes"] = "4096",
        });
        string key = await gateway.CreateKeyAsync("acme", ["app"]);
        string other = await gateway.CreateKeyAsync("globex", ["app"]);
        string threeKb = Texts(1, new string('x', 3_000) + " fine film");
        string twoKb = Texts(1, new string('x', 2_000) + " fine film");
        var release = new TaskCompletionSource();

        // 3 KB of the tenant's 4 KB is being read (its body held back): 2 KB more does not fit, 40 bytes do.
        var held = SendHeldAsync(gateway, key, threeKb, release.Task);
        await gateway.WaitForInFlightAsync(1);
        var (refused, refusedBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/sentiment", key, twoKb);
        using var small = await gateway.SendAsync(HttpMethod.Post, "/v1/sentiment", key, Small);
        // Without a Content-Length (chunked) the bytes are counted as they are read.
        using var chunkedRefused = await SendChunkedAsync(gateway, key, twoKb);
        using var chunkedSmall = await SendChunkedAsync(gateway, key, Small);
        using var otherTenant = await gateway.SendAsync(HttpMethod.Post, "/v1/sentiment", other, twoKb);
        release.SetResult();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("tenant 'acme' has costed requests of up to 4096 bytes in flight", refusedBody!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, chunkedRefused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chunkedSmall.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await held);
    }

    [Fact]
    public async Task Admission_SameBudget_AdmitsManySmallRequestsButFewLargeOnes()
    {
        // A budget that does not refill within the test: what each tenant gets is the burst, spent by size.
        await using var gateway = SecureGateway.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Auth:Admission:CostPerSecond"] = "0.01",
            ["Auth:Admission:CostBurst"] = "600",
        });
        var limits = new { requestsPerSecond = 1000, burst = 1000, maxConcurrentRequests = 8 };
        string small = await gateway.CreateKeyAsync("small", ["app"], limits);
        string large = await gateway.CreateKeyAsync("large", ["app"], limits);

        var (smallAdmitted, _) = await SendUntilRefusedAsync(gateway, small, Small, max: 400);
        var (largeAdmitted, largeRefusal) = await SendUntilRefusedAsync(gateway, large, Large, max: 10);
        using var ping = await gateway.SendAsync(HttpMethod.Get, "/v1/ping", large);
        using var metadata = await gateway.SendAsync(HttpMethod.Get, "/v2/models/sentiment", large);

        Assert.InRange(smallAdmitted, 250, 310);
        Assert.InRange(largeAdmitted, 1, 2);
        Assert.NotNull(largeRefusal);
        Assert.Contains("tenant 'large' has spent its work budget", largeRefusal.Value.Detail);
        Assert.True(largeRefusal.Value.RetryAfter >= 60, $"Retry-After {largeRefusal.Value.RetryAfter} s for a debt repaid at 0.01 units/s");
        // Cheap calls are not costed: a tenant deep in debt still pings and reads metadata.
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Fact]
    public async Task Admission_ShapeDeclaringMoreThanTheBodyHolds_ChargedByTheBody()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp(), new Dictionary<string, string?>
        {
            ["Auth:Enabled"] = "false",
            ["Auth:Admission:CostPerSecond"] = "0.01",
            ["Auth:Admission:CostBurst"] = "600",
        });
        // A billion rows declared, eight numbers sent: a bad request, and no reason to put the client in debt for years.
        string lying = V2Json.Infer("input", "FP32", [1_000_000_000, 8], new float[8]);

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            var (response, _) = await host.PostJsonAsync("/v2/models/example-mlp/infer", lying);
            statuses.Add(response.StatusCode);
        }

        var (valid, body) = await host.PostJsonAsync("/v2/models/example-mlp/infer", SecureGateway.MlpInferBody);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.True(valid.StatusCode == HttpStatusCode.OK, $"a valid request after three lying ones: {(int)valid.StatusCode} {body?.ToJsonString()}");
    }

    [Fact]
    public async Task Admission_AuthOff_EachClientAddressHasItsOwnBudget()
    {
        await using var host = GatewayHost.Start(r => r.WithShippedTextModels("sentiment"), new Dictionary<string, string?>
        {
            ["Auth:Enabled"] = "false",
            ["Auth:Admission:CostPerSecond"] = "0.01",
            ["Auth:Admission:CostBurst"] = "600",
        });
        using var other = ClientFrom(IPAddress.Parse("127.0.0.2"), host.Address);

        var first = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            var (response, _) = await host.PostJsonAsync("/v1/sentiment", Large);
            first.Add(response.StatusCode);
        }

        using var otherLarge = await PostAsync(other, Large);
        using var otherSmall = await PostAsync(other, Small);
        var (firstSmall, firstSmallBody) = await host.PostJsonAsync("/v1/sentiment", Small);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.OK, otherLarge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherSmall.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, firstSmall.StatusCode);
        Assert.Contains("this client address has spent its work budget", firstSmallBody!["detail"]!.GetValue<string>());
    }

    private static string Texts(int count, string text) =>
        new JsonObject { ["texts"] = new JsonArray([.. Enumerable.Repeat(text, count).Select(t => (JsonNode?)t)]) }.ToJsonString();

    /// <summary>Sends <paramref name="body"/> one request at a time until the first refusal: how many were admitted, and the refusal.</summary>
    private static async Task<(int Admitted, (string Detail, double RetryAfter)? Refusal)> SendUntilRefusedAsync(SecureGateway gateway, string key, string body, int max)
    {
        for (int i = 0; i < max; i++)
        {
            var (response, answer) = await gateway.SendJsonAsync(HttpMethod.Post, "/v1/sentiment", key, body);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (i, (answer!["detail"]!.GetValue<string>(), response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0));
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {answer?.ToJsonString()}");
        }

        return (max, null);
    }

    private static Task<HttpStatusCode> SendHeldAsync(SecureGateway gateway, string key, string json, Task release) =>
        RawHttp.PostHeldAsync(gateway.Client.BaseAddress!, "/v1/sentiment", key, json, release, TestContext.Current.CancellationToken);

    /// <summary>A request whose JSON body is sent chunked, without a Content-Length.</summary>
    private static async Task<HttpResponseMessage> SendChunkedAsync(SecureGateway gateway, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sentiment");
        SecureGateway.Authorize(request, key, apiKeyHeader: false);
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        return await gateway.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A client whose connections come from <paramref name="source"/>.</summary>
    private static HttpClient ClientFrom(IPAddress source, Uri server) =>
        new(RawHttp.HandlerFrom(source)) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync("/v1/sentiment", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
}
