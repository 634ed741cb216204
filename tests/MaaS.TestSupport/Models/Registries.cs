using MaaS.Models.Embeddings;
using MaaS.Models.Inference;
using MaaS.Models.Onnx;
using MaaS.Models.Registry;
using MaaS.Models.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MaaS.TestSupport.Models;

/// <summary>
/// Builds a real registry (ONNX loader, real sessions) over a test repository: the one place tests and benchmarks
/// wire a registry by hand.
/// </summary>
public static class Registries
{
    public static ModelRegistry Create(string root, Action<ServingOptions>? configure = null, params IModelLoader[] extraLoaders) =>
        Create(Serving(root, configure), _ => extraLoaders);

    public static async Task<ModelRegistry> LoadAsync(string root, Action<ServingOptions>? configure = null, params IModelLoader[] extraLoaders)
    {
        var registry = Create(root, configure, extraLoaders);
        await registry.InitializeAsync(TestContext.Current.CancellationToken);
        return registry;
    }

    /// <summary>A registry with the gateway's two loaders, ONNX and sentence-embedding (the packaged encoders' format).</summary>
    public static ModelRegistry CreateWithEncoders(string root, Action<ServingOptions>? configure = null) =>
        Create(Serving(root, configure), options => [new SentenceEmbeddingLoader(options, NullLogger<OnnxModelLoader>.Instance)]);

    /// <summary><see cref="CreateWithEncoders"/>, initialised (every eager model loaded).</summary>
    public static async Task<ModelRegistry> LoadWithEncodersAsync(string root, Action<ServingOptions>? configure = null)
    {
        var registry = CreateWithEncoders(root, configure);
        await registry.InitializeAsync(TestContext.Current.CancellationToken);
        return registry;
    }

    /// <summary>The inference service over a registry, with a response cache of <paramref name="cacheBytes"/> (the default size unless given).</summary>
    public static ModelInference Inference(IModelRegistry registry, long? cacheBytes = null) =>
        new(registry, new ModelMetrics(), new ResponseCache(Options.Create(new ServingOptions { ResponseCacheBytes = cacheBytes ?? new ServingOptions().ResponseCacheBytes })));

    private static IOptions<ServingOptions> Serving(string root, Action<ServingOptions>? configure)
    {
        var settings = new ServingOptions { RepositoryPath = root, ExecutionProvider = ExecutionProviderKind.Cpu };
        configure?.Invoke(settings);
        return Options.Create(settings);
    }

    private static ModelRegistry Create(IOptions<ServingOptions> options, Func<IOptions<ServingOptions>, IModelLoader[]> extraLoaders)
    {
        IModelLoader[] loaders = [new OnnxModelLoader(options, NullLogger<OnnxModelLoader>.Instance), .. extraLoaders(options)];
        return new ModelRegistry(options, loaders, new ModelMetrics(), NullLogger<ModelRegistry>.Instance);
    }

    public static InferenceRequest MlpRequest(int rows, float value = 0.25f) =>
        new([InferTensor.Fp32("input", Enumerable.Repeat(value, rows * 8).ToArray(), rows, 8)]);
}
