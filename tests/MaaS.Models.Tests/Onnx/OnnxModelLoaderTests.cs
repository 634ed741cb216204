namespace MaaS.Models.Tests.Onnx;

public sealed class OnnxModelLoaderTests
{
    [Theory]
    [InlineData(ExecutionProviderKind.Cuda)]
    [InlineData(ExecutionProviderKind.Auto)]
    public async Task LoadAsync_CudaUnavailable_FallsBackToCpu(ExecutionProviderKind requested)
    {
        if (Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionProviderSelector.Cuda))
        {
            Assert.Skip("CUDA is available here; the fallback path cannot be observed.");
        }

        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.ExecutionProvider = requested);

        var version = registry.GetModel(ExampleMlp.Name)!.Versions.Single();

        Assert.True(version.IsReady, version.Reason);
        Assert.Equal(ExecutionProviderSelector.Cpu, version.Properties["execution_provider"]);
    }

    [Fact]
    public async Task LoadAsync_MissingOnnxFile_UnavailableWithReason()
    {
        using var repo = new TestRepository().WithExampleMlp();
        File.Delete(Path.Combine(repo.Root, ExampleMlp.Name, "1", "model.onnx"));
        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.Contains("model.onnx not found", registry.GetModel(ExampleMlp.Name)!.Versions.Single().Reason);
    }

    [Fact]
    public async Task LoadAsync_BadInputRangeMetadata_UnavailableWithReason()
    {
        using var repo = new TestRepository();
        var builder = new MaaS.Models.Authoring.OnnxGraphBuilder("r");
        builder.AddInput("ids", MaaS.Models.Authoring.OnnxElementType.Int64, -1);
        builder.AddNode("Identity", ["ids"], ["out"]);
        builder.AddOutput("out", MaaS.Models.Authoring.OnnxElementType.Int64, -1);
        builder.AddMetadata(OnnxModelLoader.InputRangePrefix + "ids", "9,1");
        repo.WriteModel("r", 1, builder.ToBytes(), "{}");
        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.Contains("min,max", registry.GetModel("r")!.Versions.Single().Reason);
    }

    [Fact]
    public async Task LoadAsync_ModelWithItsOwnIntraOpPool_SameAnswersAsTheSharedPool()
    {
        const string Own = "own-pool-mlp";
        using var repo = new TestRepository().WithExampleMlp().WithMlpNamed(Own, """{ "maxBatchSize": 64, "intraOpThreads": 1 }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var own = registry.GetModel(Own)!.Versions.Single();
        var shared = registry.GetModel(ExampleMlp.Name)!.Versions.Single();
        var answer = await inference.InferAsync(Own, null, Registries.MlpRequest(8, 0.25f), TestContext.Current.CancellationToken);
        var reference = await inference.InferAsync(ExampleMlp.Name, null, Registries.MlpRequest(8, 0.25f), TestContext.Current.CancellationToken);

        Assert.True(own.IsReady, own.Reason);
        Assert.Equal(("false", "1"), (own.Properties["global_thread_pool"], own.Properties["intra_op_threads"]));
        Assert.False(shared.Properties.ContainsKey("intra_op_threads"));
        Assert.True(answer.IsSuccess, answer.Error?.Message);
        Assert.Equal((float[])reference.Value!.Output(ExampleMlp.Probabilities)!.Data, (float[])answer.Value!.Output(ExampleMlp.Probabilities)!.Data);
    }
}
