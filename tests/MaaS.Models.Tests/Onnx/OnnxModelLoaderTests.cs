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
}
