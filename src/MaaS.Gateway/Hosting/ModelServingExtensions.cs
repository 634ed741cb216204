using MaaS.Gateway.Endpoints.V2;
using MaaS.Models.Registry;

namespace MaaS.Gateway.Hosting;

/// <summary>Registers model serving: options from <c>Serving</c>, the registry with its ONNX loader, startup load and polling, readiness.</summary>
internal static class ModelServingExtensions
{
    public static IHostApplicationBuilder AddModelServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName);
        builder.Services.AddModelRegistry();
        builder.Services.AddHostedService<ModelRepositoryHostedService>();
        builder.Services.AddHealthChecks()
            .AddCheck<ModelRegistryHealthCheck>("model-registry", tags: [ServerEndpoints.ReadyTag]);
        return builder;
    }
}
