using MaaS.Models.SharedMemory;
using MaaS.Models.Tracing;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Registers model serving: options from <c>Serving</c> (published models under the data folder unless
/// <c>Serving:PublishedRepositoryPath</c> says where), the registry with its ONNX loader, its start-up load and polling
/// (<see cref="ModelRepositoryHostedService"/>) and readiness (<see cref="ModelRegistryHealthCheck"/>), both MaaS.Models',
/// and Triton's tracing from <c>Serving:Trace</c> with its file writer (<see cref="TraceFileWriter"/>).
/// </summary>
internal static class ModelServingExtensions
{
    public static IHostApplicationBuilder AddModelServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName)
            .PostConfigure<IConfiguration>((serving, configuration) =>
            {
                // Never the bundled models/ folder: it is part of the checkout or the image, and may be read-only.
                if (string.IsNullOrWhiteSpace(serving.PublishedRepositoryPath))
                {
                    serving.PublishedRepositoryPath = Path.Combine(StorageExtensions.DataDirectory(configuration), DataLocation.PublishedModelsFolder);
                }
            });
        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.SectionName);
        builder.Services.AddOptions<SharedMemoryOptions>().BindConfiguration(SharedMemoryOptions.SectionName);
        builder.Services.AddModelRegistry();
        builder.Services.AddHostedService<ModelRepositoryHostedService>();
        builder.Services.AddHostedService<TraceFileWriter>();
        builder.Services.AddHealthChecks()
            .AddCheck<ModelRegistryHealthCheck>("model-registry", tags: [ServerEndpoints.ReadyTag]);
        return builder;
    }
}
