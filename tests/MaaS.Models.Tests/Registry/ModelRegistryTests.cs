namespace MaaS.Models.Tests.Registry;

public sealed class ModelRegistryTests
{
    [Fact]
    public async Task InitializeAsync_GoodAndBrokenModels_BrokenUnavailableWithReasonOthersReady()
    {
        using var repo = new TestRepository().WithExampleMlp().WithGarbage("broken");
        File.WriteAllText(Path.Combine(repo.Root, "badjson", "model.json").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)), "{ not json");
        Directory.CreateDirectory(Path.Combine(repo.Root, "badjson", "1"));
        await using var registry = await Registries.LoadAsync(repo.Root);

        var models = registry.GetModels();

        Assert.Equal(["badjson", "broken", "example-mlp"], models.Select(m => m.Name));
        Assert.True(registry.GetModel("example-mlp")!.IsReady);
        var broken = registry.GetModel("broken")!;
        Assert.False(broken.IsReady);
        Assert.Equal(ModelVersionState.Unavailable, broken.Versions.Single().State);
        Assert.Contains("Protobuf", broken.Versions.Single().Reason);
        Assert.Contains("model.json is not valid", registry.GetModel("badjson")!.Versions.Single().Reason);
        var mlp = registry.GetModel("example-mlp")!.Versions.Single();
        Assert.Equal("onnxruntime_onnx", mlp.Platform);
        Assert.Equal(ExecutionProviderSelector.Cpu, mlp.Properties["execution_provider"]);
        Assert.Equal([-1L, 8L], mlp.Signature!.Inputs.Single().Shape);
    }

    [Fact]
    public async Task TryGetConfig_KnownUnparsableAndUnknown_AgreesWithGetModel()
    {
        using var repo = new TestRepository().WithExampleMlp();
        File.WriteAllText(Path.Combine(repo.Root, "badjson", "model.json").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)), "{ not json");
        Directory.CreateDirectory(Path.Combine(repo.Root, "badjson", "1"));
        await using var registry = await Registries.LoadAsync(repo.Root);

        foreach (string name in new[] { ExampleMlp.Name, "badjson" })
        {
            Assert.True(registry.TryGetConfig(name, out var config), name);
            Assert.Same(registry.GetModel(name)!.Config, config);
        }

        Assert.NotNull(registry.GetModel(ExampleMlp.Name)!.Config);
        Assert.False(registry.TryGetConfig("nope", out var unknown));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task Acquire_UnknownModelVersionAndUnloaded_TypedFailures()
    {
        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.Equal(ErrorCode.ModelNotFound, registry.Acquire("nope").Error?.Code);
        Assert.Equal(ErrorCode.VersionNotFound, registry.Acquire(ExampleMlp.Name, 5).Error?.Code);
        await registry.UnloadVersionAsync(ExampleMlp.Name, 1, TestContext.Current.CancellationToken);
        var unloaded = registry.Acquire(ExampleMlp.Name, 1);
        Assert.Equal(ErrorCode.ModelNotReady, unloaded.Error?.Code);
        Assert.Contains("unloaded", unloaded.Error?.Message);
    }

    [Fact]
    public async Task UnloadModelAsync_LeaseHeld_InFlightRequestStillRuns()
    {
        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root);
        using var lease = registry.Acquire(ExampleMlp.Name).Value!;

        await registry.UnloadModelAsync(ExampleMlp.Name, TestContext.Current.CancellationToken);
        var tensor = (ITensorModel)lease.Model;
        var outputs = tensor.Run([InferTensor.Fp32("input", new float[8], 1, 8)], [ExampleMlp.Probabilities], out _);

        Assert.False(registry.GetModel(ExampleMlp.Name)!.IsReady);
        Assert.Equal(3, outputs.Single().Data.Length);
    }

    [Fact]
    public async Task PollAsync_NewVersionWithRetire_NewDefaultOldSuperseded()
    {
        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.RetireSupersededVersions = true);
        using var oldLease = registry.Acquire(ExampleMlp.Name).Value!;

        ExampleMlp.WriteTo(repo.Root, version: 2);
        int changes = await registry.PollAsync(TestContext.Current.CancellationToken);

        var model = registry.GetModel(ExampleMlp.Name)!;
        Assert.Equal(1, changes);
        Assert.Equal(2, model.DefaultVersion);
        Assert.Equal("superseded by version 2", model.FindVersion(1)!.Reason);
        Assert.Equal(2, registry.Acquire(ExampleMlp.Name).Value!.Also(l => l.Dispose()).Version);
        // The old version's lease keeps its session alive until released.
        var outputs = ((ITensorModel)oldLease.Model).Run([InferTensor.Fp32("input", new float[8], 1, 8)], [ExampleMlp.Logits], out _);
        Assert.Equal(3, outputs.Single().Data.Length);
        Assert.Equal(0, await registry.PollAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task PollAsync_FailedVersionRewritten_RetriedAndReady()
    {
        // A version folder seen while its file was still being copied fails to load; once the file changes it is retried.
        using var repo = new TestRepository().WithExampleMlp().WithGarbage(ExampleMlp.Name, version: 2);
        await using var registry = await Registries.LoadAsync(repo.Root);
        Assert.Equal(ModelVersionState.Unavailable, registry.GetModel(ExampleMlp.Name)!.FindVersion(2)!.State);
        Assert.Equal(0, await registry.PollAsync(TestContext.Current.CancellationToken));

        string file = Path.Combine(repo.Root, ExampleMlp.Name, "2", "model.onnx");
        File.WriteAllBytes(file, ExampleMlp.BuildOnnx());
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        int changes = await registry.PollAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, changes);
        Assert.True(registry.GetModel(ExampleMlp.Name)!.FindVersion(2)!.IsReady);
        Assert.Equal(2, registry.GetModel(ExampleMlp.Name)!.DefaultVersion);
    }

    [Fact]
    public async Task PollAsync_ModelFolderRemoved_ModelGone()
    {
        using var repo = new TestRepository().WithExampleMlp().WithMixedTypes();
        await using var registry = await Registries.LoadAsync(repo.Root);

        Directory.Delete(Path.Combine(repo.Root, "mixed"), recursive: true);
        await registry.PollAsync(TestContext.Current.CancellationToken);

        Assert.Null(registry.GetModel("mixed"));
        Assert.Equal(ErrorCode.ModelNotFound, registry.Acquire("mixed").Error?.Code);
        Assert.True(registry.GetModel(ExampleMlp.Name)!.IsReady);
    }

    [Fact]
    public async Task SetDefaultVersionAsync_PinAndUnpin_ResolvesAccordingly()
    {
        using var repo = new TestRepository().WithExampleMlp(1).WithExampleMlp(2);
        await using var registry = await Registries.LoadAsync(repo.Root);

        var pinned = await registry.SetDefaultVersionAsync(ExampleMlp.Name, 1, TestContext.Current.CancellationToken);
        long pinnedVersion = registry.Acquire(ExampleMlp.Name).Value!.Also(l => l.Dispose()).Version;
        var missing = await registry.SetDefaultVersionAsync(ExampleMlp.Name, 3, TestContext.Current.CancellationToken);
        await registry.SetDefaultVersionAsync(ExampleMlp.Name, null, TestContext.Current.CancellationToken);
        long automatic = registry.Acquire(ExampleMlp.Name).Value!.Also(l => l.Dispose()).Version;

        Assert.True(pinned.IsSuccess);
        Assert.Equal(1, pinnedVersion);
        Assert.Equal(ErrorCode.VersionNotFound, missing.Error?.Code);
        Assert.Equal(2, automatic);
    }

    [Fact]
    public async Task InitializeAsync_BatchingModelWithFixedBatchDim_UnavailableWithReason()
    {
        using var repo = new TestRepository();
        var builder = new OnnxGraphBuilder("fixed");
        builder.AddInput("x", OnnxElementType.Float, 2, 3);
        builder.AddNode("Identity", ["x"], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, 2, 3);
        repo.WriteModel("fixed", 1, builder.ToBytes(), """{ "maxBatchSize": 4 }""");
        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.Contains("dynamic batch axis", registry.GetModel("fixed")!.Versions.Single().Reason);
    }

    [Fact]
    public async Task InitializeAsync_HostRegisteredLoader_LoadsItsFormat()
    {
        using var repo = new TestRepository();
        Directory.CreateDirectory(Path.Combine(repo.Root, "table", "3"));
        File.WriteAllText(Path.Combine(repo.Root, "table", "model.json"), """{ "format": "constant", "task": "recommendation" }""");
        File.WriteAllText(Path.Combine(repo.Root, "table", "3", "value.txt"), "42");
        await using var registry = await Registries.LoadAsync(repo.Root, null, new ConstantLoader());

        using var lease = registry.Acquire("table").Value!;
        var inferred = await Registries.Inference(registry).InferAsync("table", null, Registries.MlpRequest(1), TestContext.Current.CancellationToken);

        Assert.Equal(42, ((ConstantModel)lease.Model).Value);
        Assert.Equal(3, lease.Version);
        Assert.Equal(ErrorCode.Unsupported, inferred.Error?.Code);
    }

    [Fact]
    public async Task InitializeAsync_UnknownFormat_UnavailableWithReason()
    {
        using var repo = new TestRepository();
        Directory.CreateDirectory(Path.Combine(repo.Root, "odd", "1"));
        File.WriteAllText(Path.Combine(repo.Root, "odd", "model.json"), """{ "format": "pickle" }""");
        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.Contains("no loader for format 'pickle'", registry.GetModel("odd")!.Versions.Single().Reason);
    }

    [Fact]
    public async Task GetIndex_VersionFolderNotLoaded_ListedWithoutState()
    {
        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root);
        ExampleMlp.WriteTo(repo.Root, 2);

        var index = registry.GetIndex();

        Assert.Equal(2, index.Count);
        Assert.Equal((1L, ModelVersionState.Ready), (index[0].Version!.Value, index[0].State!.Value));
        Assert.Equal(2L, index[1].Version);
        Assert.Null(index[1].State);
        Assert.Equal("not loaded", index[1].Reason);
    }

    private sealed class ConstantModel(int value) : ILoadedModel
    {
        public int Value { get; } = value;

        public string Platform => "maas_constant";

        public IReadOnlyDictionary<string, string> Properties { get; } = new Dictionary<string, string>();

        public void Dispose()
        {
        }
    }

    private sealed class ConstantLoader : IModelLoader
    {
        public string Format => "constant";

        public ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ILoadedModel>(new ConstantModel(int.Parse(File.ReadAllText(Path.Combine(context.VersionDirectory, "value.txt")), CultureInfo.InvariantCulture)));
    }
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
