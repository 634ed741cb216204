namespace MaaS.Models.Tests.Authoring;

public sealed class OnnxGraphBuilderTests
{
    private const float Tolerance = 1e-5f;

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void ToBytes_GemmSoftmaxClassifier_MatchesScalarComputation(int batch)
    {
        const int inDim = 7, outDim = 3;
        var rng = new Random(11);
        float[] w = RandomFloats(rng, inDim * outDim);
        float[] b = RandomFloats(rng, outDim);
        var builder = new OnnxGraphBuilder("classifier");
        builder.AddInput("x", OnnxElementType.Float, -1, inDim);
        string weights = builder.AddInitializer("W", OnnxTensor.FromFloats(w, inDim, outDim));
        string bias = builder.AddInitializer("B", OnnxTensor.FromFloats(b, outDim));
        string logits = builder.AddNode("Gemm", ["x", weights, bias]);
        builder.AddNode("Softmax", [logits], ["probs"], OnnxAttribute.Int("axis", -1));
        builder.AddOutput("probs", OnnxElementType.Float, -1, outDim);

        float[] x = RandomFloats(rng, batch * inDim);
        float[] actual = RunSingle(builder.ToBytes(), "x", x, [batch, inDim], "probs");

        for (int n = 0; n < batch; n++)
        {
            var row = new float[outDim];
            for (int o = 0; o < outDim; o++)
            {
                float z = b[o];
                for (int i = 0; i < inDim; i++)
                {
                    z += x[n * inDim + i] * w[i * outDim + o];
                }

                row[o] = z;
            }

            float max = row.Max();
            double sum = row.Sum(z => Math.Exp(z - max));
            for (int o = 0; o < outDim; o++)
            {
                float expected = (float)(Math.Exp(row[o] - max) / sum);
                Assert.True(Math.Abs(expected - actual[n * outDim + o]) <= Tolerance, $"row {n} class {o}: expected {expected}, got {actual[n * outDim + o]}");
            }
        }
    }

    [Fact]
    public void ToBytes_MlpWithReluAndSigmoid_MatchesScalarComputation()
    {
        const int batch = 5, inDim = 4, hidden = 6, outDim = 2;
        var rng = new Random(3);
        float[] w1 = RandomFloats(rng, inDim * hidden), b1 = RandomFloats(rng, hidden);
        float[] w2 = RandomFloats(rng, hidden * outDim), b2 = RandomFloats(rng, outDim);
        var builder = new OnnxGraphBuilder("mlp");
        builder.AddInput("x", OnnxElementType.Float, -1, inDim);
        string h = builder.AddNode("MatMul", ["x", builder.AddInitializer("W1", OnnxTensor.FromFloats(w1, inDim, hidden))]);
        h = builder.AddNode("Add", [h, builder.AddInitializer("B1", OnnxTensor.FromFloats(b1, hidden))]);
        h = builder.AddNode("Relu", [h]);
        string y = builder.AddNode("MatMul", [h, builder.AddInitializer("W2", OnnxTensor.FromFloats(w2, hidden, outDim))]);
        y = builder.AddNode("Add", [y, builder.AddInitializer("B2", OnnxTensor.FromFloats(b2, outDim))]);
        builder.AddNode("Sigmoid", [y], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, outDim);

        float[] x = RandomFloats(rng, batch * inDim);
        float[] actual = RunSingle(builder.ToBytes(), "x", x, [batch, inDim], "y");

        for (int n = 0; n < batch; n++)
        {
            var hv = new float[hidden];
            for (int j = 0; j < hidden; j++)
            {
                float z = b1[j];
                for (int i = 0; i < inDim; i++)
                {
                    z += x[n * inDim + i] * w1[i * hidden + j];
                }

                hv[j] = Math.Max(0, z);
            }

            for (int o = 0; o < outDim; o++)
            {
                float z = b2[o];
                for (int j = 0; j < hidden; j++)
                {
                    z += hv[j] * w2[j * outDim + o];
                }

                float expected = 1f / (1f + MathF.Exp(-z));
                Assert.True(Math.Abs(expected - actual[n * outDim + o]) <= Tolerance, $"row {n} out {o}: expected {expected}, got {actual[n * outDim + o]}");
            }
        }
    }

    [Fact]
    public void ToBytes_GatherReduceSumBag_MatchesScalarComputation()
    {
        // The shape of a hashed n-gram text model: ids [N, L] with per-id weights, summed embeddings.
        const int vocab = 50, dim = 3, batch = 4, length = 6;
        var rng = new Random(5);
        float[] table = RandomFloats(rng, vocab * dim);
        long[] ids = Enumerable.Range(0, batch * length).Select(_ => (long)rng.Next(vocab)).ToArray();
        float[] weights = RandomFloats(rng, batch * length);
        var builder = new OnnxGraphBuilder("bag");
        builder.AddInput("ids", OnnxElementType.Int64, -1, -1);
        builder.AddInput("weights", OnnxElementType.Float, -1, -1);
        string emb = builder.AddNode("Gather", [builder.AddInitializer("E", OnnxTensor.FromFloats(table, vocab, dim)), "ids"], OnnxAttribute.Int("axis", 0));
        string w3 = builder.AddNode("Unsqueeze", ["weights", builder.AddInitializer("axis2", OnnxTensor.FromInt64s([2], 1))]);
        string weighted = builder.AddNode("Mul", [emb, w3]);
        builder.AddNode("ReduceSum", [weighted, builder.AddInitializer("axis1", OnnxTensor.FromInt64s([1], 1))], ["sum"], OnnxAttribute.Int("keepdims", 0));
        builder.AddOutput("sum", OnnxElementType.Float, -1, dim);

        using var session = new InferenceSession(builder.ToBytes());
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, [batch, length]);
        using var weightValue = OrtValue.CreateTensorValueFromMemory(weights, [batch, length]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["ids", "weights"], [idValue, weightValue], ["sum"]);
        float[] actual = results[0].GetTensorDataAsSpan<float>().ToArray();

        for (int n = 0; n < batch; n++)
        {
            for (int d = 0; d < dim; d++)
            {
                float expected = 0;
                for (int t = 0; t < length; t++)
                {
                    expected += table[ids[n * length + t] * dim + d] * weights[n * length + t];
                }

                Assert.True(Math.Abs(expected - actual[n * dim + d]) <= Tolerance, $"row {n} dim {d}: expected {expected}, got {actual[n * dim + d]}");
            }
        }
    }

    [Fact]
    public void ToBytes_MetadataAndSymbolicBatch_VisibleToOnnxRuntime()
    {
        var builder = new OnnxGraphBuilder("identity") { ProducerName = "maas-test" };
        builder.AddInput("x", OnnxElementType.Float, -1, 2);
        builder.AddNode("Identity", ["x"], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, 2);
        builder.AddMetadata("labels", "negative,positive");

        using var session = new InferenceSession(builder.ToBytes());

        Assert.Equal("negative,positive", session.ModelMetadata.CustomMetadataMap["labels"]);
        Assert.Equal("maas-test", session.ModelMetadata.ProducerName);
        Assert.Equal([-1, 2], session.InputMetadata["x"].Dimensions);
        Assert.Equal(typeof(float), session.OutputMetadata["y"].ElementType);
    }

    [Fact]
    public void Save_WritesLoadableFileAtomically()
    {
        string dir = Directory.CreateTempSubdirectory("maas-onnx-").FullName;
        try
        {
            var builder = new OnnxGraphBuilder("neg");
            builder.AddInput("x", OnnxElementType.Double, -1);
            builder.AddNode("Neg", ["x"], ["y"]);
            builder.AddOutput("y", OnnxElementType.Double, -1);
            string path = Path.Combine(dir, "1", "model.onnx");

            builder.Save(path);

            Assert.False(File.Exists(path + ".tmp"));
            using var session = new InferenceSession(path);
            using var x = OrtValue.CreateTensorValueFromMemory(new[] { 1.5, -2.0 }, [2]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, ["x"], [x], ["y"]);
            Assert.Equal([-1.5, 2.0], results[0].GetTensorDataAsSpan<double>().ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ToBytes_OutputNotProduced_Throws()
    {
        var builder = new OnnxGraphBuilder("broken");
        builder.AddInput("x", OnnxElementType.Float, 1);
        builder.AddOutput("nowhere", OnnxElementType.Float, 1);

        var error = Assert.Throws<InvalidOperationException>(() => builder.ToBytes());
        Assert.Contains("nowhere", error.Message);
    }

    [Fact]
    public void AddInitializer_DuplicateName_Throws()
    {
        var builder = new OnnxGraphBuilder("dup");
        builder.AddInput("x", OnnxElementType.Float, 1);

        Assert.Throws<ArgumentException>(() => builder.AddInitializer("x", OnnxTensor.Scalar(1f)));
    }

    [Fact]
    public void FromFloats_ShapeDisagreesWithData_Throws()
    {
        Assert.Throws<ArgumentException>(() => OnnxTensor.FromFloats([1f, 2f, 3f], 2, 2));
    }

    private static float[] RandomFloats(Random rng, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    private static float[] RunSingle(byte[] model, string inputName, float[] input, long[] shape, string outputName)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
