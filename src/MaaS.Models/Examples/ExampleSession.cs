namespace MaaS.Models.Examples;

/// <summary>
/// The bundled stateful example (Triton's sequence batcher with implicit state): <c>example-session</c> tracks a
/// listener's taste over one session. Each request of a sequence gives the features of the item just played
/// (<c>item</c>, FP32 [1,8]); the model answers the session's taste, an exponential moving average of the items
/// (taste = 0.7 × previous taste + 0.3 × item; the first item of a session, START, is the taste), and <c>scores</c>
/// over three moods (softmax of taste·W + b). The previous taste is the model's state (<c>taste_in</c> →
/// <c>taste_out</c>), kept by the server between a sequence's requests; START is a control input. Written by
/// <see cref="WriteTo"/>; the files under <c>models/</c> are byte-identical.
/// </summary>
public static class ExampleSession
{
    /// <summary>Model name (folder).</summary>
    public const string Name = "example-session";

    /// <summary>Features of an item.</summary>
    public const int Features = 8;

    /// <summary>How much of the previous taste a new item keeps.</summary>
    public const float Decay = 0.7f;

    /// <summary>Mood labels in score order.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["calm", "upbeat", "focus"];

    /// <summary>[8,3] row-major: how each feature leans towards each mood.</summary>
    private static readonly float[] Weights =
    [
        1.0f, -0.5f, 0.2f,
        -0.3f, 1.2f, 0.1f,
        0.4f, 0.3f, 0.9f,
        0.8f, -0.2f, -0.4f,
        -0.6f, 0.9f, 0.3f,
        0.1f, 0.2f, 1.1f,
        0.5f, 0.5f, -0.5f,
        -0.2f, -0.1f, 0.6f,
    ];

    private static readonly float[] Bias = [0.05f, -0.05f, 0f];

    /// <summary>The model.json shipped with it.</summary>
    public const string ModelJson = """
        {
          "task": "recommendation", "format": "onnx", "owner": "maas", "maxBatchSize": 64, "tags": ["example", "sequence"],
          "description": "Stateful example: a listener's taste over a session (moving average of the items played, kept by the server between a sequence's requests) and scores over three moods.",
          "labels": ["calm", "upbeat", "focus"],
          "sequenceBatching": {
            "maxSequenceIdleMicroseconds": 60000000,
            "maxSequences": 1024,
            "controlInput": [ { "name": "START", "control": [ { "kind": "CONTROL_SEQUENCE_START", "fp32FalseTrue": [0, 1] } ] } ],
            "state": [ { "inputName": "taste_in", "outputName": "taste_out", "dataType": "TYPE_FP32", "dims": [8] } ],
            "oldest": { "maxQueueDelayMicroseconds": 0 }
          }
        }

        """;

    /// <summary>
    /// The graph: keep = Decay × (1 − START); taste = taste_in × keep + item × (1 − keep); taste_out = taste (the
    /// state); scores = softmax(taste·W + b).
    /// </summary>
    public static byte[] BuildOnnx()
    {
        var builder = new OnnxGraphBuilder(Name);
        builder.AddInput("item", OnnxElementType.Float, -1, Features);
        builder.AddInput("taste_in", OnnxElementType.Float, -1, Features);
        builder.AddInput("START", OnnxElementType.Float, -1, 1);
        string one = builder.AddInitializer("one", OnnxTensor.Scalar(1f));
        string notStart = builder.AddNode("Sub", [one, "START"]);
        string keep = builder.AddNode("Mul", [notStart, builder.AddInitializer("decay", OnnxTensor.Scalar(Decay))]);
        string kept = builder.AddNode("Mul", ["taste_in", keep]);
        string added = builder.AddNode("Mul", ["item", builder.AddNode("Sub", [one, keep])]);
        builder.AddNode("Add", [kept, added], ["taste"]);
        builder.AddNode("Identity", ["taste"], ["taste_out"]);
        string logits = builder.AddNode("Gemm", ["taste", builder.AddInitializer("w", OnnxTensor.FromFloats(Weights, Features, 3)), builder.AddInitializer("b", OnnxTensor.FromFloats(Bias, 3))]);
        builder.AddNode("Softmax", [logits], ["scores"]);
        builder.AddOutput("taste", OnnxElementType.Float, -1, Features);
        builder.AddOutput("scores", OnnxElementType.Float, -1, 3);
        builder.AddOutput("taste_out", OnnxElementType.Float, -1, Features);
        return builder.ToBytes();
    }

    /// <summary>One step by hand: the new taste and the scores, from the previous taste (null on START) and the item.</summary>
    public static (float[] Taste, float[] Scores) Step(float[]? previous, ReadOnlySpan<float> item)
    {
        var taste = new float[Features];
        for (int i = 0; i < Features; i++)
        {
            taste[i] = previous is null ? item[i] : (previous[i] * Decay) + (item[i] * (1f - Decay));
        }

        var scores = new float[3];
        float max = float.NegativeInfinity;
        for (int c = 0; c < 3; c++)
        {
            float sum = Bias[c];
            for (int i = 0; i < Features; i++)
            {
                sum += taste[i] * Weights[(i * 3) + c];
            }

            scores[c] = sum;
            max = Math.Max(max, sum);
        }

        float total = 0;
        for (int c = 0; c < 3; c++)
        {
            scores[c] = MathF.Exp(scores[c] - max);
            total += scores[c];
        }

        for (int c = 0; c < 3; c++)
        {
            scores[c] /= total;
        }

        return (taste, scores);
    }

    /// <summary>Writes example-session (model.json and version 1) into a repository.</summary>
    public static void WriteTo(string repositoryRoot)
    {
        string folder = Path.Combine(repositoryRoot, Name);
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.WriteAllText(Path.Combine(folder, RepositoryFiles.Config), ModelJson);
        File.WriteAllBytes(Path.Combine(folder, "1", RepositoryFiles.Onnx), BuildOnnx());
    }
}
