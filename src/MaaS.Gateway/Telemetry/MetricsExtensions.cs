using MaaS.Dashboard.Traffic;
using Prometheus;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Prometheus exposition at <c>/metrics</c>: the <c>MaaS.Models</c> inference instruments (see <see cref="ModelMetricsExporter"/>;
/// models not every caller may see are aggregated, see <see cref="ModelSeriesPolicy"/>), prometheus-net's HTTP
/// metrics and its process and runtime defaults.
/// </summary>
internal static class MetricsExtensions
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        // prometheus-net's meter adapter (started at the first scrape) publishes only the meters PublishedMeters names.
        // Process-wide, so set before any scrape.
        Metrics.ConfigureMeterAdapter(adapter => adapter.InstrumentFilterPredicate = PublishedMeters.IsPublished);
        services.AddSingleton<ModelSeriesPolicy>();
        services.AddSingleton<TrafficRing>();
        services.AddSingleton<InferenceLogContext>();
        services.AddSingleton<ModelMetricsExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelMetricsExporter>());
        return services;
    }

    /// <summary>
    /// prometheus-net's HTTP metrics, except on the inference endpoints (<see cref="InferenceHotPath"/>: the model
    /// metrics count those), and the dashboard's <see cref="TrafficRing"/>.
    /// </summary>
    public static IApplicationBuilder UseGatewayHttpMetrics(this IApplicationBuilder app) =>
        app.UseTrafficRing().UseWhen(context => !InferenceHotPath.IsHotPath(context), branch => branch.UseHttpMetrics());

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext http, ModelMetricsExporter models, CancellationToken cancellationToken) =>
            {
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
                await models.Registry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
            })
            .RequireAuthorization(MaaSPolicies.Metrics)
            .WithName("Metrics")
            .WithTags(ApiTags.Operations)
            .WithSummary("Prometheus metrics: per-model request, queue and compute duration histograms (seconds), batch size histogram (private and shared market models as model=\"private\"), HTTP metrics of every endpoint but inference (the model metrics count those).")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }
}
