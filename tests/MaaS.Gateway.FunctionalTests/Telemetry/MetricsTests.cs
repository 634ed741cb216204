namespace MaaS.Gateway.FunctionalTests.Telemetry;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterInference_ExposesInferenceHistograms()
    {
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        await host.PostJsonAsync("/v2/models/example-mlp/infer", V2Json.Infer("input", "FP32", [2, 8], new float[16]));

        var response = await host.Client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (string histogram in new[]
                 {
                     "maas_inference_request_duration_seconds", "maas_inference_queue_duration_seconds",
                     "maas_inference_compute_duration_seconds", "maas_inference_batch_size",
                 })
        {
            Assert.Contains($"# TYPE {histogram} histogram", text);
            Assert.Contains($"{histogram}_bucket{{", text);
        }

        Assert.Contains("model=\"example-mlp\"", text);
    }

    [Fact]
    public async Task Metrics_AfterRequests_PublishesTheRuntimesAndOwnMetersNotTheFrameworksPerRequestMeters()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = GatewayHost.Start(r => r.WithExampleMlp());
        // prometheus-net starts its meter adapter at the first scrape of the process: the requests must follow one.
        using (var first = await host.Client.GetAsync("/metrics", ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        for (int i = 0; i < 3; i++)
        {
            using var ping = await host.Client.GetAsync("/v1/ping", ct);
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        }

        var (infer, _) = await host.PostJsonAsync("/v2/models/example-mlp/infer", V2Json.Infer("input", "FP32", [1, 8], new float[8]));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);

        string text = await host.Client.GetStringAsync("/metrics", ct);

        Assert.Contains("\nsystem_runtime_dotnet_gc_heap_total_allocated ", text);
        Assert.Contains("\nmaas_admission_in_flight ", text);
        Assert.Contains("\nhttp_requests_received_total{", text);
        // Hosting, routing, authentication, authorization, the rate limiter and the memory pool record on every request;
        // published through the adapter they cost more CPU than the request (PublishedMeters). The adapter names a
        // series meter_instrument; the event counters' adapter publishes hosting's own EventSource counters
        // (microsoft_aspnetcore_hosting_requests_per_second...), which stay.
        foreach (string family in new[]
                 {
                     "microsoft_aspnetcore_hosting_http_server_", "microsoft_aspnetcore_routing_aspnetcore_",
                     "microsoft_aspnetcore_authentication_aspnetcore_", "microsoft_aspnetcore_authorization_aspnetcore_",
                     "microsoft_aspnetcore_ratelimiting_aspnetcore_", "microsoft_aspnetcore_memorypool_aspnetcore_",
                     "private_internaldiagnostics_",
                 })
        {
            Assert.DoesNotContain("\n" + family, text);
        }
    }

    [Fact]
    public async Task Metrics_AnonymousAfterNonPublicMarketTraffic_NoSeriesNamesThemPublicSeriesStay()
    {
        await using var gateway = SecureGateway.Start();
        // prometheus-net starts its own meter adapter at the first scrape of the process: the traffic must follow one.
        using (var first = await gateway.SendAsync(HttpMethod.Get, "/metrics", key: null))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        string acme = await gateway.CreateKeyAsync("acme", ["admin", "app"]);
        string infer = SecureGateway.MlpInferBody;
        await gateway.PublishMlpAsync(acme, "secret-churn", "private");
        await gateway.PublishMlpAsync(acme, "shared-churn", "tenant");
        await gateway.PublishMlpAsync(acme, "open-churn", "public");
        // Public first, then private: the series it had while public must go too.
        await gateway.PublishMlpAsync(acme, "was-open-churn", "public");
        foreach (string model in new[] { "acme.secret-churn", "acme.shared-churn", "acme.open-churn", "acme.was-open-churn", "example-mlp" })
        {
            using var response = await gateway.SendAsync(HttpMethod.Post, $"/v2/models/{model}/infer", acme, infer);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"infer {model}: {(int)response.StatusCode}");
        }

        await gateway.PublishMlpAsync(acme, "was-open-churn", "private");
        using (var response = await gateway.SendAsync(HttpMethod.Post, "/v2/models/acme.was-open-churn/infer", acme, infer))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var scrape = await gateway.SendAsync(HttpMethod.Get, "/metrics", key: null);
        string text = await scrape.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        foreach (string hidden in new[] { "secret-churn", "shared-churn", "was-open-churn" })
        {
            Assert.DoesNotContain(hidden, text);
        }

        Assert.Contains("maas_inference_requests_total{model=\"acme.open-churn\",version=\"1\",outcome=\"success\"} 1", text);
        Assert.Contains("maas_inference_requests_total{model=\"example-mlp\",version=\"1\",outcome=\"success\"} 1", text);
        // Three non-public models, one request each while non-public: one series, no name, no version.
        Assert.Contains("maas_inference_requests_total{model=\"private\",version=\"\",outcome=\"success\"} 3", text);
        Assert.Contains("maas_inference_batch_size_count{model=\"private\",version=\"\"}", text);
    }
}
