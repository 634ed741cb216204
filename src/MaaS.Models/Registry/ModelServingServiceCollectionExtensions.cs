using MaaS.Models.Embeddings;
using MaaS.Models.Onnx;
using MaaS.Models.SharedMemory;
using MaaS.Models.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Models.Registry;

/// <summary>DI registration of the registry, the ONNX loader and the inference service.</summary>
public static class ModelServingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IModelRegistry"/>, <see cref="IModelInference"/>, <see cref="ModelMetrics"/>, the ONNX and sentence-embedding loaders and
    /// <see cref="ServingOptions"/> validation (validated on start), <see cref="InferenceTracing"/> with its
    /// <see cref="TracingOptions"/> (validated on start; the host binds them and runs <see cref="TraceFileWriter"/>), and
    /// the <see cref="SharedMemoryRegistry"/> with its <see cref="SharedMemoryOptions"/> (validated on start). Bind the
    /// options yourself (e.g. BindConfiguration("Serving")).
    /// The host must call <see cref="IModelRegistry.InitializeAsync"/> once at start.
    /// </summary>
    public static IServiceCollection AddModelRegistry(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ServingOptions, ServingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ModelMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddModelLoader<OnnxModelLoader>();
        services.AddModelLoader<SentenceEmbeddingLoader>();
        services.TryAddSingleton<ModelRegistry>();
        services.TryAddSingleton<IModelRegistry>(sp => sp.GetRequiredService<ModelRegistry>());
        services.TryAddSingleton<ResponseCache>();
        services.TryAddSingleton<IModelInference, ModelInference>();
        services.AddOptionsWithValidateOnStart<TracingOptions, TracingOptionsValidator>();
        services.TryAddSingleton(sp => new InferenceTracing(
            sp.GetRequiredService<IOptions<TracingOptions>>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddOptionsWithValidateOnStart<SharedMemoryOptions, SharedMemoryOptionsValidator>();
        services.TryAddSingleton<SharedMemoryRegistry>();
        return services;
    }

    /// <summary>
    /// Registers a loader for one model format (the <c>format</c> of model.json). A later registration for the same
    /// format replaces an earlier one.
    /// </summary>
    public static IServiceCollection AddModelLoader<TLoader>(this IServiceCollection services)
        where TLoader : class, IModelLoader
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelLoader, TLoader>());
        return services;
    }
}
