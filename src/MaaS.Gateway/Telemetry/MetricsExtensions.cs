using Prometheus;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Prometheus exposition at <c>/metrics</c>: the <c>MaaS.Models</c> inference instruments (see <see cref="ModelMetricsExporter"/>),
/// prometheus-net's HTTP metrics and its process and runtime defaults.
/// </summary>
internal static class MetricsExtensions
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddHostedService<ModelMetricsExporter>();
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
