namespace MaaS.Gateway.FunctionalTests.Security;

public sealed class RateLimitTests
{
    [Fact]
    public async Task RateLimit_HotKeyAtTenTimesItsRate_HotGets429sOtherKeyNone()
    {
        await using var gateway = SecureGateway.Start();
        string hot = await gateway.CreateKeyAsync("acme", ["app"], new { requestsPerSecond = 20, burst = 20, maxConcurrentRequests = 64 });
        string cold = await gateway.CreateKeyAsync("globex", ["app"], new { requestsPerSecond = 100, burst = 100, maxConcurrentRequests = 64 });
        var duration = TimeSpan.FromSeconds(2);

        // Hot: 200 req/s for 2 s (ten times its 20 req/s); cold: 40 req/s at the same time (under its limit).
        var hotRun = DriveAsync(gateway, hot, ratePerSecond: 200, duration);
        var coldRun = DriveAsync(gateway, cold, ratePerSecond: 40, duration);
        var hotResults = await hotRun;
        var coldResults = await coldRun;

        int hot429 = hotResults.Count(r => r.Status == 429);
        int hotOk = hotResults.Count(r => r.Status == 200);
        var coldLatencies = coldResults.Select(r => r.Milliseconds).Order().ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"hot: {hotResults.Count} sent, {hotOk} ok, {hot429} 429; cold: {coldResults.Count} sent, {coldResults.Count(r => r.Status == 200)} ok, " +
            $"p50 {coldLatencies[coldLatencies.Length / 2]:0.0} ms, p95 {coldLatencies[(int)(coldLatencies.Length * 0.95)]:0.0} ms");
        Assert.True(hot429 > hotResults.Count / 2, $"hot key: only {hot429} of {hotResults.Count} refused");
        Assert.InRange(hotOk, 20, 20 + 20 * 3 + 10);
        Assert.All(hotResults.Where(r => r.Status == 429), r => Assert.True(r.RetryAfter >= 1, "429 without Retry-After"));
        Assert.All(hotResults, r => Assert.Contains(r.Status, new[] { 200, 429 }));
        Assert.All(coldResults, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task ConcurrencyLimit_KeyAtItsLimit_NextRequest429OtherKeyServed()
    {
        await using var gateway = SecureGateway.Start();
        string narrow = await gateway.CreateKeyAsync("acme", ["app"], new { requestsPerSecond = 1000, burst = 1000, maxConcurrentRequests = 2 });
        string other = await gateway.CreateKeyAsync("acme", ["app"]);
        var release = new TaskCompletionSource();

        // Two requests whose bodies are held back keep both permits of the narrow key while the server waits to read them.
        var held = Enumerable.Range(0, 2).Select(_ => SendHeldAsync(gateway, narrow, release.Task)).ToArray();
        // Admitted means past the key's concurrency limiter, which runs first: both permits are taken.
        await gateway.WaitForInFlightAsync(2);
        var (third, thirdBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", narrow, SecureGateway.MlpInferBody);
        using var otherKey = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", other, SecureGateway.MlpInferBody);
        release.SetResult();
        var heldStatuses = await Task.WhenAll(held);
        using var after = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", narrow, SecureGateway.MlpInferBody);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("over its request rate or concurrency limit", thirdBody!["error"]!.GetValue<string>());
        Assert.Equal("1", third.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], heldStatuses);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static Task<HttpStatusCode> SendHeldAsync(SecureGateway gateway, string key, Task release) =>
        RawHttp.PostHeldAsync(gateway.Client.BaseAddress!, "/v2/models/example-mlp/infer", key, SecureGateway.MlpInferBody, release, TestContext.Current.CancellationToken);

    private static async Task<List<(int Status, double Milliseconds, int RetryAfter)>> DriveAsync(SecureGateway gateway, string key, int ratePerSecond, TimeSpan duration)
    {
        int total = (int)(ratePerSecond * duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        var tasks = new List<Task<(int, double, int)>>(total);
        for (int i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / ratePerSecond) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, TestContext.Current.CancellationToken);
            }

            tasks.Add(OneAsync(gateway, key));
        }

        return [.. await Task.WhenAll(tasks)];
    }

    private static async Task<(int, double, int)> OneAsync(SecureGateway gateway, string key)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var response = await gateway.SendAsync(HttpMethod.Post, "/v2/models/example-mlp/infer", key, SecureGateway.MlpInferBody);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        int retryAfter = response.Headers.RetryAfter?.Delta is { } d ? (int)d.TotalSeconds : 0;
        return ((int)response.StatusCode, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, retryAfter);
    }
}
