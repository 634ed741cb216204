using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MaaS.Models.Registry;

/// <summary>
/// Ready once the registry has loaded the repository; with StrictReadiness, only while every model is ready, a lazy
/// model still waiting for its first request apart (readiness never waits for it). The host adds it to its health
/// checks under its own tag.
/// </summary>
internal sealed class ModelRegistryHealthCheck(IModelRegistry registry, IOptions<ServingOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.IsInitialized)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("model repository not loaded yet"));
        }

        if (options.Value.StrictReadiness)
        {
            var notReady = registry.GetModels().Where(m => !m.IsReady && !m.LoadsOnFirstRequest).Select(m => m.Name).ToList();
            if (notReady.Count > 0)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"models not ready: {string.Join(", ", notReady)}"));
            }
        }

        return Task.FromResult(HealthCheckResult.Healthy());
    }
}
