namespace MaaS.Models.Tests.Examples;

public sealed class ExampleMlpTests
{
    [Fact]
    public void BuildOnnx_ShippedFile_IsByteIdentical()
    {
        string repository = FindRepositoryModels();
        string shipped = Path.Combine(repository, ExampleMlp.Name, "1", "model.onnx");
        string config = Path.Combine(repository, ExampleMlp.Name, "model.json");
        if (Environment.GetEnvironmentVariable("MAAS_UPDATE_EXAMPLES") == "1")
        {
            ExampleMlp.WriteTo(repository);
        }

        Assert.True(File.Exists(shipped), $"{shipped} is missing; run the tests with MAAS_UPDATE_EXAMPLES=1 to write it");
        Assert.True(ExampleMlp.BuildOnnx().AsSpan().SequenceEqual(File.ReadAllBytes(shipped)),
            $"{shipped} differs from ExampleMlp.BuildOnnx(); regenerate with MAAS_UPDATE_EXAMPLES=1");
        Assert.Equal(ExampleMlp.ModelJson, File.ReadAllText(config));
    }

    [Fact]
    public void ExamplePipeline_ShippedFiles_AreWhatItWrites()
    {
        string repository = FindRepositoryModels();
        if (Environment.GetEnvironmentVariable("MAAS_UPDATE_EXAMPLES") == "1")
        {
            ExamplePipeline.WriteTo(repository);
        }

        string scaler = Path.Combine(repository, ExamplePipeline.Scaler, "1", "model.onnx");
        Assert.True(File.Exists(scaler), $"{scaler} is missing; run the tests with MAAS_UPDATE_EXAMPLES=1 to write it");
        Assert.True(ExamplePipeline.BuildScalerOnnx().AsSpan().SequenceEqual(File.ReadAllBytes(scaler)), $"{scaler} differs; regenerate with MAAS_UPDATE_EXAMPLES=1");
        Assert.Equal(ExamplePipeline.ScalerJson, File.ReadAllText(Path.Combine(repository, ExamplePipeline.Scaler, "model.json")));
        Assert.Equal(ExamplePipeline.ModelJson, File.ReadAllText(Path.Combine(repository, ExamplePipeline.Name, "model.json")));
        Assert.True(Directory.Exists(Path.Combine(repository, ExamplePipeline.Name, "1")), "the ensemble's empty version folder");
    }

    [Fact]
    public void ExampleSession_ShippedFiles_AreWhatItWrites()
    {
        string repository = FindRepositoryModels();
        if (Environment.GetEnvironmentVariable("MAAS_UPDATE_EXAMPLES") == "1")
        {
            ExampleSession.WriteTo(repository);
        }

        string onnx = Path.Combine(repository, ExampleSession.Name, "1", "model.onnx");
        Assert.True(File.Exists(onnx), $"{onnx} is missing; run the tests with MAAS_UPDATE_EXAMPLES=1 to write it");
        Assert.True(ExampleSession.BuildOnnx().AsSpan().SequenceEqual(File.ReadAllBytes(onnx)), $"{onnx} differs; regenerate with MAAS_UPDATE_EXAMPLES=1");
        Assert.Equal(ExampleSession.ModelJson, File.ReadAllText(Path.Combine(repository, ExampleSession.Name, "model.json")));
    }

    [Fact]
    public void WriteTo_NarrowVariant_ModelJsonDescribesItsOwnWidths()
    {
        string root = Directory.CreateTempSubdirectory("maas-mlp-variant-").FullName;
        try
        {
            ExampleMlp.WriteTo(root, 1, hiddenSizes: [16]);

            string json = File.ReadAllText(Path.Combine(root, ExampleMlp.Name, "model.json"));
            Assert.Contains("(8 features -> 16 -> 3 classes)", json, StringComparison.Ordinal);
            Assert.DoesNotContain("768", json, StringComparison.Ordinal);
            Assert.Equal(ExampleMlp.ModelJson, ExampleMlp.ModelJsonFor(ExampleMlp.HiddenSizes));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void BuildOnnx_TwoCalls_SameBytes()
    {
        Assert.Equal(ExampleMlp.BuildOnnx(), ExampleMlp.BuildOnnx());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void BuildOnnx_OnnxRuntime_MatchesReference(int rows)
    {
        var rng = new Random(rows);
        float[] x = Enumerable.Range(0, rows * ExampleMlp.InputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var session = new InferenceSession(ExampleMlp.BuildOnnx());
        using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, ExampleMlp.InputSize]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [ExampleMlp.Input], [input], [ExampleMlp.Logits, ExampleMlp.Probabilities]);
        var (logits, probabilities) = ExampleMlp.Reference(x, rows);

        float[] actualLogits = results[0].GetTensorDataAsSpan<float>().ToArray();
        float[] actualProbabilities = results[1].GetTensorDataAsSpan<float>().ToArray();
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - actualLogits[i]) <= 1e-5, $"logit {i}: expected {logits[i]}, got {actualLogits[i]}");
            Assert.True(Math.Abs(probabilities[i] - actualProbabilities[i]) <= 1e-5, $"probability {i}: expected {probabilities[i]}, got {actualProbabilities[i]}");
        }
    }

    private static string FindRepositoryModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaaS.sln")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new InvalidOperationException("MaaS.sln not found above " + AppContext.BaseDirectory);
    }
}
