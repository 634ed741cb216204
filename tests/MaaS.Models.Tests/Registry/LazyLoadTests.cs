using System.Collections.Concurrent;

namespace MaaS.Models.Tests.Registry;

/// <summary>
/// Load policies: an eager model is loaded at start; a lazy one is listed at start and loaded by its first request,
/// once however many arrive together, and a lazy model that fails to load answers only its own requests with the reason.
/// Real ONNX Runtime sessions over real files; the loader only counts (and slows) the real loads.
/// </summary>
public sealed class LazyLoadTests
{
    private const string Lazy = "lazy-mlp";
    private const string LazyJson = """{ "task": "classification", "loadPolicy": "lazy", "maxBatchSize": 64 }""";

    [Fact]
    public async Task Initialize_LazyModel_ListedUnavailableUntilFirstRequestLoadsIt()
    {
        using var repo = new TestRepository().WithExampleMlp().WithMlpNamed(Lazy, LazyJson, 1);
        var loader = CountingLoader.Create(TimeSpan.Zero);
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var inference = Registries.Inference(registry);

        Assert.Equal(0, loader.LoadsOf(Lazy));
        Assert.Equal(1, loader.LoadsOf(ExampleMlp.Name));
        var pending = registry.GetModel(Lazy)!;
        Assert.False(pending.IsReady);
        Assert.True(pending.LoadsOnFirstRequest);
        Assert.Equal([1L], pending.Versions.Select(v => v.Version));
        var listed = registry.GetIndex().Single(e => e.Name == Lazy);
        Assert.Equal((1L, ModelVersionState.Unavailable), (listed.Version, listed.State));
        Assert.Contains("lazy", listed.Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.ModelNotReady, registry.Acquire(Lazy).Error?.Code);

        var first = await inference.InferAsync(Lazy, null, Registries.MlpRequest(2, 0.5f), TestContext.Current.CancellationToken);
        var reference = await inference.InferAsync(ExampleMlp.Name, null, Registries.MlpRequest(2, 0.5f), TestContext.Current.CancellationToken);

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.Equal((float[])reference.Value!.Output(ExampleMlp.Probabilities)!.Data, (float[])first.Value!.Output(ExampleMlp.Probabilities)!.Data);
        Assert.Equal(1, loader.LoadsOf(Lazy));
        Assert.True(registry.GetModel(Lazy)!.IsReady);
        Assert.False(registry.GetModel(Lazy)!.LoadsOnFirstRequest);
        Assert.Equal(ModelVersionState.Ready, registry.GetIndex().Single(e => e.Name == Lazy).State);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentFirstRequests_OneLoadEveryRequestAnswered()
    {
        using var repo = new TestRepository().WithMlpNamed(Lazy, LazyJson, 1);
        // A slow load keeps the first request's load in flight while the others arrive.
        var loader = CountingLoader.Create(TimeSpan.FromMilliseconds(300));
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var inference = Registries.Inference(registry);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            inference.InferAsync(Lazy, null, Registries.MlpRequest(1, i / 16f), timeout.Token).AsTask()));

        Assert.All(answers, a => Assert.True(a.IsSuccess, a.Error?.Message));
        Assert.Equal(1, loader.LoadsOf(Lazy));
    }

    [Fact]
    public async Task AcquireAsync_BrokenLazyModel_ItsOwnNotReadyWhileOthersServe()
    {
        using var repo = new TestRepository().WithExampleMlp().WithGarbage("broken");
        File.WriteAllText(Path.Combine(repo.Root, "broken", "model.json"), """{ "task": "classification", "loadPolicy": "lazy" }""");
        var loader = CountingLoader.Create(TimeSpan.Zero);
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var inference = Registries.Inference(registry);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(0, loader.LoadsOf("broken"));
        var broken = inference.InferAsync("broken", null, Registries.MlpRequest(1), ct).AsTask();
        var good = inference.InferAsync(ExampleMlp.Name, null, Registries.MlpRequest(1), ct).AsTask();
        await Task.WhenAll(broken, good);

        Assert.True(good.Result.IsSuccess, good.Result.Error?.Message);
        Assert.Equal(ErrorCode.ModelNotReady, broken.Result.Error?.Code);
        Assert.Contains("Protobuf", broken.Result.Error!.Message, StringComparison.Ordinal);
        // The failure is remembered, not retried per request; the reason is listed as for an eager model.
        var again = await inference.InferAsync("broken", null, Registries.MlpRequest(1), ct);
        Assert.Equal(ErrorCode.ModelNotReady, again.Error?.Code);
        Assert.Equal(1, loader.LoadsOf("broken"));
        var listed = registry.GetIndex().Single(e => e.Name == "broken");
        Assert.Equal(ModelVersionState.Unavailable, listed.State);
        Assert.Contains("Protobuf", listed.Reason, StringComparison.Ordinal);
        Assert.True(registry.GetModel(ExampleMlp.Name)!.IsReady);
    }

    [Fact]
    public async Task LoadPolicy_RepositoryDefaultLazy_ModelJsonEagerOverridesIt()
    {
        using var repo = new TestRepository().WithExampleMlp()
            .WithMlpNamed("eager-mlp", """{ "loadPolicy": "eager", "maxBatchSize": 64 }""", 1);
        var loader = CountingLoader.Create(TimeSpan.Zero);
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.LoadPolicy = ModelLoadPolicy.Lazy, loader);

        Assert.Equal(0, loader.LoadsOf(ExampleMlp.Name));
        Assert.True(registry.GetModel(ExampleMlp.Name)!.LoadsOnFirstRequest);
        Assert.Equal(1, loader.LoadsOf("eager-mlp"));
        Assert.True(registry.GetModel("eager-mlp")!.IsReady);
    }

    [Fact]
    public async Task ExplicitUnloadAndLoad_LazyModel_UnloadedStaysUnloadedUntilLoaded()
    {
        using var repo = new TestRepository().WithMlpNamed(Lazy, LazyJson, 1);
        var loader = CountingLoader.Create(TimeSpan.Zero);
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var inference = Registries.Inference(registry);
        var ct = TestContext.Current.CancellationToken;

        Assert.True((await registry.UnloadModelAsync(Lazy, ct)).IsSuccess);
        var refused = await inference.InferAsync(Lazy, null, Registries.MlpRequest(1), ct);

        Assert.Equal(ErrorCode.ModelNotReady, refused.Error?.Code);
        Assert.Contains("unloaded", refused.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, loader.LoadsOf(Lazy));
        Assert.Equal("unloaded", registry.GetIndex().Single(e => e.Name == Lazy).Reason);

        Assert.True((await registry.LoadModelAsync(Lazy, ct)).IsSuccess);
        Assert.True((await inference.InferAsync(Lazy, null, Registries.MlpRequest(1), ct)).IsSuccess);
        Assert.Equal(1, loader.LoadsOf(Lazy));
    }

    [Fact]
    public async Task PollAsync_NewLazyModelAndVersion_ListedNotLoaded()
    {
        using var repo = new TestRepository().WithExampleMlp();
        var loader = CountingLoader.Create(TimeSpan.Zero);
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var ct = TestContext.Current.CancellationToken;

        repo.WithMlpNamed(Lazy, LazyJson, 1);
        Assert.Equal(1, await registry.PollAsync(ct));
        repo.WithMlpNamed(Lazy, LazyJson, 2);
        Assert.Equal(1, await registry.PollAsync(ct));

        Assert.Equal(0, loader.LoadsOf(Lazy));
        Assert.Equal([1L, 2L], registry.GetModel(Lazy)!.Versions.Select(v => v.Version));
        using var lease = (await registry.AcquireAsync(Lazy, null, ct)).Value!;
        Assert.Equal(2, lease.Version);
        Assert.Equal(2, loader.LoadsOf(Lazy));
    }

    [Fact]
    public void ModelJson_UnknownLoadPolicy_Invalid()
    {
        Assert.Equal(ModelLoadPolicy.Lazy, ModelConfigReader.TryParse("""{ "loadPolicy": "lazy" }""", out _)!.LoadPolicy);
        Assert.Null(ModelConfigReader.TryParse("""{ "loadPolicy": "sometimes" }""", out string? error));
        Assert.Contains("model.json is not valid", error, StringComparison.Ordinal);
    }

    /// <summary>The real ONNX loader, counting its loads per model and optionally slower.</summary>
    private sealed class CountingLoader(IModelLoader inner, TimeSpan delay) : IModelLoader
    {
        private readonly ConcurrentDictionary<string, int> _loads = new(StringComparer.Ordinal);

        public static CountingLoader Create(TimeSpan delay)
        {
            var options = Options.Create(new ServingOptions { ExecutionProvider = ExecutionProviderKind.Cpu });
            return new CountingLoader(new OnnxModelLoader(options, NullLogger<OnnxModelLoader>.Instance), delay);
        }

        public string Format => inner.Format;

        public int LoadsOf(string model) => _loads.GetValueOrDefault(model);

        public async ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
        {
            _loads.AddOrUpdate(context.ModelName, 1, (_, n) => n + 1);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return await inner.LoadAsync(context, cancellationToken);
        }
    }
}
