using MaaS.Gateway.Contracts.V2;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Server metadata and health (<c>/v2</c>, <c>/v2/health/live</c>, <c>/v2/health/ready</c>).</summary>
internal static class ServerEndpoints
{
    /// <summary>Health check tag for readiness checks (the model registry, later storage...).</summary>
    public const string ReadyTag = "ready";

    private static readonly string Version = typeof(ServerEndpoints).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    public static RouteGroupBuilder MapServerEndpoints(this RouteGroupBuilder v2)
    {
        v2.MapGet("", GetServerMetadata)
            .WithName("V2ServerMetadata")
            .WithSummary("Server metadata: name, version and supported protocol extensions.")
            .Produces<V2ServerMetadataResponse>();
        v2.MapGet("/health/live", GetLiveAsync)
            .WithName("V2ServerLive")
            .WithSummary("Liveness: 200 while the process serves HTTP.")
            .Produces(StatusCodes.Status200OK);
        v2.MapGet("/health/ready", GetReadyAsync)
            .WithName("V2ServerReady")
            .WithSummary("Readiness: 200 once the model registry has loaded the repository (and every ready-tagged health check passes), else 503.")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status503ServiceUnavailable);
        return v2;
    }

    private static IResult GetServerMetadata() => TypedResults.Json(
        new V2ServerMetadataResponse("maas", Version, ["model_repository", "statistics", "model_configuration", "binary_tensor_data"]),
        V2JsonContext.Web.V2ServerMetadataResponse);

    private static async Task<IResult> GetLiveAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("live"), cancellationToken);
        return report.Status == HealthStatus.Unhealthy ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok();
    }

    private static async Task<IResult> GetReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), cancellationToken);
        return report.Status == HealthStatus.Unhealthy ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok();
    }
}
