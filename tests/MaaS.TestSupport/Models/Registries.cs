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
    public static ModelRegistry Create(string root, Action<ServingOptions>? configure = null, params IModelLoader[] extraLoaders)
    {
        var settings = new ServingOptions { RepositoryPath = root, ExecutionProvider = ExecutionProviderKind.Cpu };
        configure?.Invoke(settings);
        var options = Options.Create(settings);
        IModelLoader[] loaders = [new OnnxModelLoader(options, NullLogger<OnnxModelLoader>.Instance), .. extraLoaders];
        return new ModelRegistry(options, loaders, new ModelMetrics(), NullLogger<ModelRegistry>.Instance);
    }

    public static async Task<ModelRegistry> LoadAsync(string root, Action<ServingOptions>? configure = null, params IModelLoader[] extraLoaders)
    {
        var registry = Create(root, configure, extraLoaders);
        await registry.InitializeAsync(TestContext.Current.CancellationToken);
        return registry;
    }

    public static ModelInference Inference(IModelRegistry registry) => new(registry, new ModelMetrics());

    public static InferenceRequest MlpRequest(int rows, float value = 0.25f) =>
        new([InferTensor.Fp32("input", Enumerable.Repeat(value, rows * 8).ToArray(), rows, 8)]);
}
