using MaaS.Models.Authoring;

namespace MaaS.Models.Examples;

/// <summary>
/// The example model shipped in <c>models/example-mlp</c>: a dense MLP with seeded weights,
/// <c>input</c> FP32 [-1, 8] → Gemm(8→16) → Relu → Gemm(16→3) = <c>logits</c> [-1, 3] → Softmax = <c>probabilities</c> [-1, 3].
/// Deterministic: <see cref="BuildOnnx"/> returns the same bytes on every run, so the shipped file is reproducible.
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

    /// <summary>Hidden units.</summary>
    public const int HiddenSize = 16;

    /// <summary>Output classes.</summary>
    public const int Classes = 3;

    /// <summary>Class labels in output order.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["low", "medium", "high"];

    /// <summary>The model.json shipped with it.</summary>
    public const string ModelJson = """
        {
          "task": "classification",
          "format": "onnx",
          "description": "Example dense MLP (8 features -> 3 classes) with seeded weights, written by MaaS.Models.Authoring.",
          "owner": "maas",
          "tags": ["example", "mlp"],
          "labels": ["low", "medium", "high"],
          "maxBatchSize": 64,
          "dynamicBatching": { "enabled": true, "maxQueueDelayMicroseconds": 500, "maxQueueSize": 1024 }
        }

        """;

    /// <summary>The seeded weights (row-major; W1 is [8,16], W2 is [16,3]).</summary>
    public static (float[] W1, float[] B1, float[] W2, float[] B2) Weights()
    {
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

        return (Fill(InputSize * HiddenSize, 0.5f), Fill(HiddenSize, 0.1f), Fill(HiddenSize * Classes, 0.5f), Fill(Classes, 0.1f));
    }

    /// <summary>The ONNX bytes.</summary>
    public static byte[] BuildOnnx()
    {
        var (w1, b1, w2, b2) = Weights();
        var builder = new OnnxGraphBuilder("example_mlp") { ProducerName = "maas-examples" };
        builder.AddInput(Input, OnnxElementType.Float, -1, InputSize);
        string hidden = builder.AddNode("Gemm", [
            Input,
            builder.AddInitializer("W1", OnnxTensor.FromFloats(w1, InputSize, HiddenSize)),
            builder.AddInitializer("B1", OnnxTensor.FromFloats(b1, HiddenSize))]);
        hidden = builder.AddNode("Relu", [hidden]);
        builder.AddNode("Gemm", [
            hidden,
            builder.AddInitializer("W2", OnnxTensor.FromFloats(w2, HiddenSize, Classes)),
            builder.AddInitializer("B2", OnnxTensor.FromFloats(b2, Classes))], [Logits]);
        builder.AddNode("Softmax", [Logits], [Probabilities], OnnxAttribute.Int("axis", -1));
        builder.AddOutput(Logits, OnnxElementType.Float, -1, Classes);
        builder.AddOutput(Probabilities, OnnxElementType.Float, -1, Classes);
        builder.AddMetadata("labels", string.Join(",", Labels));
        return builder.ToBytes();
    }

    /// <summary>Writes <c>&lt;root&gt;/example-mlp/model.json</c> and <c>&lt;root&gt;/example-mlp/&lt;version&gt;/model.onnx</c>.</summary>
    public static void WriteTo(string repositoryRoot, long version = 1)
    {
        string directory = Path.Combine(repositoryRoot, Name);
        Directory.CreateDirectory(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(directory, "model.json"), ModelJson);
        File.WriteAllBytes(Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.onnx"), BuildOnnx());
    }

    /// <summary>Plain C# forward pass of the same model (for tests and benchmarks): returns (logits, probabilities), row-major.</summary>
    public static (float[] Logits, float[] Probabilities) Reference(ReadOnlySpan<float> input, int rows)
    {
        var (w1, b1, w2, b2) = Weights();
        var logits = new float[rows * Classes];
        var probabilities = new float[rows * Classes];
        var hidden = new float[HiddenSize];
        for (int n = 0; n < rows; n++)
        {
            for (int j = 0; j < HiddenSize; j++)
            {
                float z = b1[j];
                for (int i = 0; i < InputSize; i++)
                {
                    z += input[n * InputSize + i] * w1[i * HiddenSize + j];
                }

                hidden[j] = MathF.Max(0, z);
            }

            double max = double.NegativeInfinity;
            for (int o = 0; o < Classes; o++)
            {
                float z = b2[o];
                for (int j = 0; j < HiddenSize; j++)
                {
                    z += hidden[j] * w2[j * Classes + o];
                }

                logits[n * Classes + o] = z;
                max = Math.Max(max, z);
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
