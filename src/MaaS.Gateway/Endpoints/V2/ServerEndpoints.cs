using MaaS.Models.SharedMemory;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>Server metadata and health (<c>/v2</c>, <c>/v2/health/live</c>, <c>/v2/health/ready</c>).</summary>
internal static class ServerEndpoints
{
    /// <summary>Health check tag for readiness checks (the model registry, later storage...).</summary>
    public const string ReadyTag = "ready";

    private static readonly string Version = typeof(ServerEndpoints).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    private static readonly V2ServerMetadataResponse Served = new(
        "maas", Version, ["model_repository", "statistics", "model_configuration", "binary_tensor_data", "classification", "sequence", "schedule_policy", "logging", "trace"]);

    private static readonly V2ServerMetadataResponse ServedWithSharedMemory = Served with { Extensions = [.. Served.Extensions, "system_shared_memory"] };

    /// <summary>
    /// The server's name and version and the protocol extensions it serves, over HTTP and gRPC alike:
    /// <c>system_shared_memory</c> only while <c>Serving:SharedMemory:Enabled</c>.
    /// </summary>
    public static V2ServerMetadataResponse Metadata(SharedMemoryRegistry sharedMemory) => sharedMemory.Enabled ? ServedWithSharedMemory : Served;

    public static RouteGroupBuilder MapServerV2(this RouteGroupBuilder v2)
    {
        // Probes and clients discover the server before they hold a key.
        var server = v2.MapGroup(string.Empty).AllowAnonymous();
        server.MapGet("", GetServerMetadata)
            .WithName("V2ServerMetadata")
            .WithSummary("Server metadata: name, version and supported protocol extensions.");
        server.MapGet("/health/live", (HealthCheckService health, CancellationToken cancellationToken) => CheckAsync(health, "live", cancellationToken))
            .WithName("V2ServerLive")
            .WithSummary("Liveness: 200 while the process serves HTTP.");
        server.MapGet("/health/ready", (HealthCheckService health, CancellationToken cancellationToken) => CheckAsync(health, ReadyTag, cancellationToken))
            .WithName("V2ServerReady")
            .WithSummary("Readiness: 200 once the model registry has loaded the repository (and every ready-tagged health check passes), else 503.")
            .ProducesErrors(ErrorCode.ModelNotReady, ErrorCode.DependencyUnavailable);
        return v2;
    }

    private static V2Json<V2ServerMetadataResponse> GetServerMetadata(SharedMemoryRegistry sharedMemory) =>
        V2Json.Ok(Metadata(sharedMemory), V2JsonContext.Web.V2ServerMetadataResponse);

    // Unhealthy is a bare 503: the status-code pages give it its {"error"} body.
    private static async Task<Results<Ok, StatusCodeHttpResult>> CheckAsync(HealthCheckService health, string tag, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains(tag), cancellationToken);
        return report.Status == HealthStatus.Unhealthy ? TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable) : TypedResults.Ok();
    }
}
