namespace MaaS.Models.Tests.Registry;

/// <summary>
/// Loads at once (<see cref="ServingOptions.LoadParallelism"/>, Triton's <c>--model-load-thread-count</c>): a slow load
/// holds back only its own model, at start and in a poll, and every model loaded at once is published. Real ONNX
/// Runtime sessions; the loader only holds one model's real load back.
/// </summary>
public sealed class ParallelLoadTests
{
    private const string MlpJson = """{ "maxBatchSize": 64 }""";

    [Fact]
    public async Task InitializeAsync_OneLoadHeld_TheOthersReadyMeanwhile_ReadyWhenItEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        // "a-held" sorts first: one load after another, nothing else loaded while it was held.
        using var repo = new TestRepository().WithMlpNamed("a-held", MlpJson, 1).WithMlpNamed("b-mlp", MlpJson, 1, 2).WithMlpNamed("c-mlp", MlpJson, 1);
        var loader = HeldLoader.Holding("a-held");
        var registry = Registries.Create(repo.Root, o => o.LoadParallelism = 2, loader);
        await using var _ = registry;

        var initializing = registry.InitializeAsync(ct);
        try
        {
            await loader.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            await WaitUntilAsync(() => registry.GetModel("b-mlp") is { IsReady: true } b && b.Versions.All(v => v.IsReady) && registry.GetModel("c-mlp") is { IsReady: true }, ct);

            Assert.False(registry.IsInitialized, "readiness waits for every eager model");
            Assert.False(registry.GetModel("a-held")?.IsReady ?? false);
            Assert.False(initializing.IsCompleted);
        }
        finally
        {
            loader.Release.TrySetResult();
        }

        await initializing.WaitAsync(TimeSpan.FromSeconds(60), ct);
        Assert.True(registry.IsInitialized);
        Assert.All(registry.GetModels(), m => Assert.True(m.IsReady, $"{m.Name}: {m.Reason}"));
    }

    [Fact]
    public async Task PollAsync_OneNewModelHeld_TheOtherNewModelsReadyMeanwhile()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repo = new TestRepository().WithExampleMlp();
        var loader = HeldLoader.Holding("a-held");
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.LoadParallelism = 2, loader);
        repo.WithMlpNamed("a-held", MlpJson, 1).WithMlpNamed("b-mlp", MlpJson, 1);

        var polling = registry.PollAsync(ct);
        try
        {
            await loader.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            await WaitUntilAsync(() => registry.GetModel("b-mlp") is { IsReady: true }, ct);

            Assert.Null(registry.GetModel("a-held"));
            Assert.False(polling.IsCompleted);
        }
        finally
        {
            loader.Release.TrySetResult();
        }

        Assert.Equal(2, await polling.WaitAsync(TimeSpan.FromSeconds(60), ct));
        Assert.True(registry.GetModel("a-held")!.IsReady, registry.GetModel("a-held")!.Reason);
    }

    /// <summary>Twelve models published as each becomes ready, from four loads at once: none is lost between two swaps.</summary>
    [Fact]
    public async Task InitializeAsync_ManyModelsAtOnce_EveryOnePublishedAndServing()
    {
        using var repo = new TestRepository();
        string[] names = [.. Enumerable.Range(0, 12).Select(i => $"mlp-{i:00}")];
        foreach (string name in names)
        {
            repo.WithMlpNamed(name, MlpJson, 1);
        }

        await using var registry = await Registries.LoadAsync(repo.Root, o => o.LoadParallelism = 4);

        Assert.Equal(names, registry.GetModels().Select(m => m.Name));
        foreach (string name in names)
        {
            using var lease = registry.Acquire(name).Value;
            Assert.True(lease is not null, $"{name}: no lease");
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void Validate_LoadParallelism_OneTo64(int parallelism, bool valid)
    {
        var result = new ServingOptionsValidator().Validate(null, new ServingOptions { LoadParallelism = parallelism });

        Assert.True(valid == result.Succeeded, $"LoadParallelism {parallelism}: {result.FailureMessage}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>The real ONNX loader; one model's loads wait at their start until the test releases them.</summary>
    private sealed class HeldLoader(IModelLoader inner, string held) : IModelLoader
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Format => inner.Format;

        public static HeldLoader Holding(string model) =>
            new(new OnnxModelLoader(Options.Create(new ServingOptions { ExecutionProvider = ExecutionProviderKind.Cpu }), NullLogger<OnnxModelLoader>.Instance), model);

        public async ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
        {
            if (context.ModelName == held)
            {
                Entered.TrySetResult();
                await Release.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            }

            return await inner.LoadAsync(context, cancellationToken);
        }
    }
}
