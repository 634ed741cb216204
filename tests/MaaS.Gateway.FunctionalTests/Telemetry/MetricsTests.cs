using System.Net;
using MaaS.TestSupport.Hosting;

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
}
