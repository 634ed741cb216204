using MaaS.Models.Telemetry;
using MaaS.TestSupport.Logging;
using Microsoft.Extensions.Logging;

namespace MaaS.Models.Tests.Registry;

/// <summary>
/// Stopping the registry while a load holds it: the stop is bounded and says so, and the models the load leaves behind
/// are still released when it ends. Real ONNX Runtime sessions; the loader only holds the real load back.
/// </summary>
public sealed class RegistryDisposeTests
{
    [Fact]
    public async Task DisposeAsync_LoadHeldPastTheBound_ReturnsLogsAWarningAndRetiresWhenTheLoadEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repo = new TestRepository().WithExampleMlp();
        var settings = Options.Create(new ServingOptions { RepositoryPath = repo.Root, ExecutionProvider = ExecutionProviderKind.Cpu });
        var loader = new HeldLoader(new OnnxModelLoader(settings, NullLogger<OnnxModelLoader>.Instance));
        var logger = new RecordingLogger<ModelRegistry>();
        var registry = new ModelRegistry(settings, [loader], new ModelMetrics(), logger) { DisposeTimeout = TimeSpan.FromMilliseconds(300) };
        var initializing = registry.InitializeAsync(ct);
        await loader.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);

        try
        {
            // Unbounded before: the dispose waited for the registry's gate as long as the load held it.
            await registry.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        finally
        {
            loader.Release.TrySetResult();
        }

        await initializing.WaitAsync(TimeSpan.FromSeconds(60), ct);
        var warning = Assert.Single(logger.Entries, e => e.Event.Id == 1014);
        Assert.Equal(LogLevel.Warning, warning.Level);
        // The load finished after the stop: what it loaded is retired as soon as it lets go, not left serving.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (registry.GetModel(ExampleMlp.Name) is not null)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The real ONNX loader, held at its start until the test releases it.</summary>
    private sealed class HeldLoader(IModelLoader inner) : IModelLoader
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Format => inner.Format;

        public async ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            return await inner.LoadAsync(context, cancellationToken);
        }
    }
}
