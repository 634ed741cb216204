using MaaS.Models.Authoring;

namespace MaaS.Models.Tests.Onnx;

/// <summary>
/// The managed twin of a small dense ONNX model (<see cref="DenseTwin"/>): taken by the loader only for a chain it
/// computes and only when it agrees with ONNX Runtime at load, then equal to ONNX Runtime and to the example MLP's
/// scalar reference on every batch size; a larger model, an op it does not compute, or <c>Serving:ManagedTwins</c>
/// off leave the model to the session.
/// </summary>
public sealed class DenseTwinTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public async Task Load_SmallMlp_RunByItsTwinEqualToOnnxRuntimeAndTheReference(int rows)
    {
        using var repo = new TestRepository();
        repo.WriteModel("tiny-mlp", 1, ExampleMlp.BuildOnnx([16]), """{ "maxBatchSize": 64 }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var model = Loaded(registry, "tiny-mlp");
        float[] x = Inputs(rows * ExampleMlp.InputSize, seed: rows);
        string[] names = ["logits", "probabilities"];

        var twin = model.Run([InferTensor.Fp32("input", x, rows, ExampleMlp.InputSize)], names, out _);
        var session = model.RunSession([InferTensor.Fp32("input", x, rows, ExampleMlp.InputSize)], names, out _);
        var (logits, probabilities) = ExampleMlp.Reference(x, rows, [16]);

        Assert.Equal("true", model.Properties.GetValueOrDefault("managed_twin"));
        Assert.Equal([rows, 3L], twin[0].Shape);
        Assert.Equal([rows, 3L], twin[1].Shape);
        AssertClose((float[])session[0].Data, (float[])twin[0].Data);
        AssertClose((float[])session[1].Data, (float[])twin[1].Data);
        AssertClose(logits, (float[])twin[0].Data);
        AssertClose(probabilities, (float[])twin[1].Data);
    }

    [Fact]
    public async Task Run_PastTheTwinsBound_TheSessionRunsItWithTheSameAnswer()
    {
        // 195 weights: 84 rows are the twin's (16,384 multiply-adds at most), 85 the session's, whose timings show it
        // made runtime tensors of the inputs and copied the outputs back; the twin's show only its run.
        using var repo = new TestRepository();
        repo.WriteModel("tiny-mlp", 1, ExampleMlp.BuildOnnx([16]), """{ "maxBatchSize": 64 }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var model = Loaded(registry, "tiny-mlp");
        int most = (int)(DenseTwin.MaxRunWeights / model.Twin!.Weights);
        string[] names = ["probabilities"];

        var twin = model.Run([InferTensor.Fp32("input", Inputs(most * 8, 1), most, 8)], names, out var twinTimings);
        var session = model.Run([InferTensor.Fp32("input", Inputs((most + 1) * 8, 1), most + 1, 8)], names, out var sessionTimings);

        Assert.Equal(195, model.Twin.Weights);
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (twinTimings.Input, twinTimings.Output));
        Assert.True(sessionTimings.Input > TimeSpan.Zero && sessionTimings.Output > TimeSpan.Zero, sessionTimings.ToString());
        // The first rows are the same values in both runs: the same answers.
        AssertClose(((float[])twin[0].Data)[..(most * 3)], ((float[])session[0].Data)[..(most * 3)]);
    }

    [Fact]
    public async Task Load_EveryOpTheTwinComputes_EqualToOnnxRuntime()
    {
        await using var ops = await OpsModel.LoadAsync();
        var model = ops.Model;

        foreach (int rows in new[] { 1, 2, 33 })
        {
            float[] x = Inputs(rows * 5, seed: 10 + rows);
            string[] names = ["out", "hidden"];
            var twin = model.Run([InferTensor.Fp32("x", x, rows, 5)], names, out _);
            var session = model.RunSession([InferTensor.Fp32("x", x, rows, 5)], names, out _);

            Assert.Equal([rows, 4L], twin[0].Shape);
            AssertClose((float[])session[0].Data, (float[])twin[0].Data);
            AssertClose((float[])session[1].Data, (float[])twin[1].Data);
        }

        Assert.Equal("true", model.Properties.GetValueOrDefault("managed_twin"));
    }

    [Fact]
    public async Task Run_NonFiniteInputs_TheTwinAnswersAsOnnxRuntime()
    {
        await using var ops = await OpsModel.LoadAsync();
        var model = ops.Model;
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 80f, -80f, 1e-40f];
        var rows = new List<float>();
        foreach (float value in special)
        {
            // The value alone in a row of finite ones, and as the whole row.
            float[] row = Inputs(5, seed: 3);
            row[2] = value;
            rows.AddRange(row);
            rows.AddRange(Enumerable.Repeat(value, 5));
        }

        float[] x = [.. rows];
        string[] names = ["out", "hidden", "gemm", "sigmoid"];
        var twin = model.Run([InferTensor.Fp32("x", x, x.Length / 5, 5)], names, out _);
        var session = model.RunSession([InferTensor.Fp32("x", x, x.Length / 5, 5)], names, out _);

        for (int o = 0; o < names.Length; o++)
        {
            float[] expected = (float[])session[o].Data, actual = (float[])twin[o].Data;
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                    : float.IsInfinity(expected[i]) ? expected[i] == actual[i]
                    : MathF.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + MathF.Abs(expected[i]));
                Assert.True(same, $"{names[o]}[{i}] (input row {i / (expected.Length / (x.Length / 5))}): {expected[i]} by ONNX Runtime against {actual[i]}");
            }
        }
    }

    [Fact]
    public async Task Load_LargeModelOrAnOpItDoesNotComputeOrTwinsOff_TheSessionRunsIt()
    {
        // The shipped 8→768→768→3 MLP (~600k weights); a Mul it does not compute; the small MLP with twins off.
        var builder = new OnnxGraphBuilder("mul");
        builder.AddInput("x", OnnxElementType.Float, -1, 3);
        builder.AddNode("Mul", ["x", builder.AddInitializer("s", OnnxTensor.FromFloats([1f, 2f, 3f], 3))], ["out"]);
        builder.AddOutput("out", OnnxElementType.Float, -1, 3);
        using var repo = new TestRepository().WithExampleMlp();
        repo.WriteModel("mul", 1, builder.ToBytes(), "{}");
        repo.WriteModel("tiny-mlp", 1, ExampleMlp.BuildOnnx([16]), """{ "maxBatchSize": 64 }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        await using var off = await Registries.LoadAsync(repo.Root, o => o.ManagedTwins = false);

        Assert.False(Loaded(registry, ExampleMlp.Name).Properties.ContainsKey("managed_twin"));
        Assert.False(Loaded(registry, "mul").Properties.ContainsKey("managed_twin"));
        Assert.Equal("true", Loaded(registry, "tiny-mlp").Properties.GetValueOrDefault("managed_twin"));
        Assert.False(Loaded(off, "tiny-mlp").Properties.ContainsKey("managed_twin"));
    }

    // MatMul then Add, Sigmoid, Gemm with transB, alpha and beta and a broadcast bias, Tanh, Identity, Relu, Softmax;
    // the Gemm's and the Sigmoid's results are outputs too.
    private sealed record OpsModel(TestRepository Repository, ModelRegistry Registry, OnnxModel Model) : IAsyncDisposable
    {
        public static async Task<OpsModel> LoadAsync()
        {
            var builder = new OnnxGraphBuilder("ops");
            builder.AddInput("x", OnnxElementType.Float, -1, 5);
            string matmul = builder.AddNode("MatMul", ["x", builder.AddInitializer("w1", OnnxTensor.FromFloats(Inputs(5 * 6, 1), 5, 6))]);
            string added = builder.AddNode("Add", [matmul, builder.AddInitializer("b1", OnnxTensor.FromFloats(Inputs(6, 2), 6))]);
            builder.AddNode("Sigmoid", [added], ["sigmoid"]);
            builder.AddNode("Gemm", ["sigmoid", builder.AddInitializer("w2", OnnxTensor.FromFloats(Inputs(4 * 6, 3), 4, 6)), builder.AddInitializer("b2", OnnxTensor.FromFloats([0.5f], 1))],
                ["gemm"], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 0.7f), OnnxAttribute.Float("beta", 1.3f));
            string tanh = builder.AddNode("Tanh", ["gemm"]);
            string identity = builder.AddNode("Identity", [tanh]);
            builder.AddNode("Relu", [identity], ["hidden"]);
            builder.AddNode("Softmax", ["hidden"], ["out"], OnnxAttribute.Int("axis", 1));
            builder.AddOutput("hidden", OnnxElementType.Float, -1, 4);
            builder.AddOutput("out", OnnxElementType.Float, -1, 4);
            builder.AddOutput("gemm", OnnxElementType.Float, -1, 4);
            builder.AddOutput("sigmoid", OnnxElementType.Float, -1, 6);
            var repo = new TestRepository();
            repo.WriteModel("ops", 1, builder.ToBytes(), """{ "maxBatchSize": 64 }""");
            var registry = await Registries.LoadAsync(repo.Root);
            return new OpsModel(repo, registry, Loaded(registry, "ops"));
        }

        public async ValueTask DisposeAsync()
        {
            await Registry.DisposeAsync();
            Repository.Dispose();
        }
    }

    private static OnnxModel Loaded(ModelRegistry registry, string name)
    {
        var version = registry.GetModel(name)!.Versions.Single();
        Assert.True(version.IsReady, version.Reason);
        var acquired = registry.Acquire(name);
        Assert.True(acquired.IsSuccess, name);
        using var lease = acquired.Value;
        return Assert.IsType<OnnxModel>(lease.Model);
    }

    private static float[] Inputs(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 6) - 3))];
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + MathF.Abs(expected[i])), $"[{i}]: {expected[i]} against {actual[i]}");
        }
    }
}
