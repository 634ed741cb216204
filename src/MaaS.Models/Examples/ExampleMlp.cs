namespace MaaS.Models.Examples;

/// <summary>
/// The example model shipped in <c>models/example-mlp</c>: a dense MLP with seeded weights,
/// <c>input</c> FP32 [-1, 8] → Gemm(8→768) → Relu → Gemm(768→768) → Relu → Gemm(768→3) = <c>logits</c> [-1, 3] →
/// Softmax = <c>probabilities</c> [-1, 3]. About 600k multiply-adds per row, the size of a small ranking or tabular
/// model: large enough that serving it measures the gateway against real compute (an 8→16→3 toy costs less to run than
/// to parse its JSON), small enough (2.3 MB) to ship in the repository.
/// Deterministic: <see cref="BuildOnnx()"/> returns the same bytes on every run, so the shipped file is reproducible.
/// </summary>
public static class ExampleMlp
{
    /// <summary>Model name (folder).</summary>
    public const string Name = "example-mlp";

    /// <summary>Input tensor name.</summary>
    public const string Input = "input";

    /// <summary>Logits output name.</summary>
    public const string Logits = "logits";

    /// <summary>Probabilities output name.</summary>
    public const string Probabilities = "probabilities";

    /// <summary>Input features.</summary>
    public const int InputSize = 8;

    /// <summary>Hidden layer widths of the shipped model.</summary>
    public static IReadOnlyList<int> HiddenSizes { get; } = [768, 768];

    /// <summary>Output classes.</summary>
    public const int Classes = 3;

    /// <summary>Class labels in output order.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["low", "medium", "high"];

    /// <summary>The model.json shipped with it.</summary>
    public const string ModelJson = """
        {
          "task": "classification",
          "format": "onnx",
          "description": "Example dense MLP (8 features -> 768 -> 768 -> 3 classes) with seeded weights, written by MaaS.Models.Authoring.",
          "owner": "maas",
          "tags": ["example", "mlp"],
          "labels": ["low", "medium", "high"],
          "maxBatchSize": 64,
          "dynamicBatching": { "enabled": true, "maxQueueDelayMicroseconds": 500, "maxQueueSize": 1024 }
        }

        """;

    /// <summary>The model.json of a variant: the shipped one with its description naming <paramref name="hiddenSizes"/>.</summary>
    public static string ModelJsonFor(IReadOnlyList<int> hiddenSizes) =>
        ModelJson.Replace(
            "(8 features -> 768 -> 768 -> 3 classes)",
            $"({InputSize} features -> {string.Join(" -> ", hiddenSizes)} -> {Classes} classes)",
            StringComparison.Ordinal);

    /// <summary>
    /// The seeded layers, input to output: each weight matrix row-major [fan-in, fan-out] with its bias. Weights are
    /// uniform in ±1/√fan-in (biases ±0.1), so activations stay of order one at any width.
    /// </summary>
    public static IReadOnlyList<(float[] Weight, float[] Bias, int FanIn, int FanOut)> Layers(IReadOnlyList<int> hiddenSizes)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        // A fixed xorshift generator, not System.Random, so the bytes cannot drift with the runtime.
        ulong state = 0x9E3779B97F4A7C15UL;
        float Next()
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return (float)((state >> 40) / (double)(1UL << 24) * 2.0 - 1.0);
        }

        float[] Fill(int count, float scale)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = Next() * scale;
            }

            return values;
        }

        int[] widths = [InputSize, .. hiddenSizes, Classes];
        var layers = new List<(float[], float[], int, int)>(widths.Length - 1);
        for (int l = 0; l + 1 < widths.Length; l++)
        {
            int fanIn = widths[l], fanOut = widths[l + 1];
            ArgumentOutOfRangeException.ThrowIfLessThan(fanOut, 1, nameof(hiddenSizes));
            layers.Add((Fill(fanIn * fanOut, 1f / MathF.Sqrt(fanIn)), Fill(fanOut, 0.1f), fanIn, fanOut));
        }

        return layers;
    }

    /// <summary>The ONNX bytes of the shipped model (<see cref="HiddenSizes"/>).</summary>
    public static byte[] BuildOnnx() => BuildOnnx(HiddenSizes);

    /// <summary>The ONNX bytes of the same family with other hidden widths (the serving benchmark compares sizes).</summary>
    public static byte[] BuildOnnx(IReadOnlyList<int> hiddenSizes)
    {
        var layers = Layers(hiddenSizes);
        var builder = new OnnxGraphBuilder("example_mlp") { ProducerName = "maas-examples" };
        builder.AddInput(Input, OnnxElementType.Float, -1, InputSize);
        string current = Input;
        for (int l = 0; l < layers.Count; l++)
        {
            var (weight, bias, fanIn, fanOut) = layers[l];
            bool last = l == layers.Count - 1;
            string[] gemm = [
                current,
                builder.AddInitializer($"W{l + 1}", OnnxTensor.FromFloats(weight, fanIn, fanOut)),
                builder.AddInitializer($"B{l + 1}", OnnxTensor.FromFloats(bias, fanOut))];
            current = last ? builder.AddNode("Gemm", gemm, [Logits]) : builder.AddNode("Relu", [builder.AddNode("Gemm", gemm)]);
        }

        builder.AddNode("Softmax", [Logits], [Probabilities], OnnxAttribute.Int("axis", -1));
        builder.AddOutput(Logits, OnnxElementType.Float, -1, Classes);
        builder.AddOutput(Probabilities, OnnxElementType.Float, -1, Classes);
        builder.AddMetadata("labels", string.Join(",", Labels));
        return builder.ToBytes();
    }

    /// <summary>
    /// Writes <c>&lt;root&gt;/example-mlp/model.json</c> and <c>&lt;root&gt;/example-mlp/&lt;version&gt;/model.onnx</c>
    /// (the shipped widths, or <paramref name="hiddenSizes"/>).
    /// </summary>
    public static void WriteTo(string repositoryRoot, long version = 1, IReadOnlyList<int>? hiddenSizes = null)
    {
        string directory = Path.Combine(repositoryRoot, Name);
        Directory.CreateDirectory(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(directory, RepositoryFiles.Config), ModelJsonFor(hiddenSizes ?? HiddenSizes));
        File.WriteAllBytes(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture), RepositoryFiles.Onnx), BuildOnnx(hiddenSizes ?? HiddenSizes));
    }

    /// <summary>Plain C# forward pass of the shipped model (for tests and benchmarks): returns (logits, probabilities), row-major.</summary>
    public static (float[] Logits, float[] Probabilities) Reference(ReadOnlySpan<float> input, int rows) => Reference(input, rows, HiddenSizes);

    /// <summary>Plain C# forward pass (sums in double) of <see cref="BuildOnnx(IReadOnlyList{int})"/> with the same widths.</summary>
    public static (float[] Logits, float[] Probabilities) Reference(ReadOnlySpan<float> input, int rows, IReadOnlyList<int> hiddenSizes)
    {
        var layers = Layers(hiddenSizes);
        var logits = new float[rows * Classes];
        var probabilities = new float[rows * Classes];
        for (int n = 0; n < rows; n++)
        {
            float[] activation = input.Slice(n * InputSize, InputSize).ToArray();
            for (int l = 0; l < layers.Count; l++)
            {
                var (weight, bias, fanIn, fanOut) = layers[l];
                var next = new float[fanOut];
                for (int j = 0; j < fanOut; j++)
                {
                    double z = bias[j];
                    for (int i = 0; i < fanIn; i++)
                    {
                        z += (double)activation[i] * weight[i * fanOut + j];
                    }

                    next[j] = l == layers.Count - 1 ? (float)z : MathF.Max(0, (float)z);
                }

                activation = next;
            }

            double max = double.NegativeInfinity;
            for (int o = 0; o < Classes; o++)
            {
                logits[n * Classes + o] = activation[o];
                max = Math.Max(max, activation[o]);
            }

            double sum = 0;
            for (int o = 0; o < Classes; o++)
            {
                sum += Math.Exp(logits[n * Classes + o] - max);
            }

            for (int o = 0; o < Classes; o++)
            {
                probabilities[n * Classes + o] = (float)(Math.Exp(logits[n * Classes + o] - max) / sum);
            }
        }

        return (logits, probabilities);
    }
}
