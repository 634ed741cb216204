using MaaS.Models.Telemetry;
using Prometheus;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Prometheus exposition at <c>/metrics</c>: prometheus-net publishes every <c>System.Diagnostics.Metrics</c> meter (the
/// <c>MaaS.Models</c> inference histograms among them) plus ASP.NET Core HTTP metrics.
/// </summary>
internal static class MetricsExtensions
{
    private static readonly double[] DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        Metrics.ConfigureMeterAdapter(options =>
        {
            options.ResolveHistogramBuckets = instrument =>
                instrument.Meter.Name == ModelMetrics.MeterName && instrument.Unit == "{row}" ? BatchBuckets : DurationBuckets;
        });
        services.AddMetrics();
        return services;
    }

    public static IApplicationBuilder UseGatewayHttpMetrics(this IApplicationBuilder app) => app.UseHttpMetrics();

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext http, CancellationToken cancellationToken) =>
            {
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
            })
            .WithName("Metrics")
            .WithTags("Operations")
            .WithSummary("Prometheus metrics: per-model request, queue and compute duration histograms (seconds), batch size histogram, HTTP metrics.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }
}
