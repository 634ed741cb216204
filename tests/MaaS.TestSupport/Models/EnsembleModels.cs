using MaaS.Models.Authoring;

namespace MaaS.TestSupport.Models;

/// <summary>
/// Two ensembles over real ONNX members, with the members' arithmetic written out for references:
/// <list type="bullet">
/// <item><c>pipeline</c>: <c>standardise</c> (z = (x − mean) × scale, FP32 [-1,4]) feeding <c>classify</c> (logits =
/// z·W + b, probs = softmax(logits), FP32 [-1,3]); the ensemble takes <c>raw</c> (dims [-1], so a row of the wrong
/// width passes the ensemble and is refused by its first step) and answers <c>logits</c> and <c>probabilities</c>.</item>
/// <item><c>branches</c>: <c>double</c> (x + x) and <c>square</c> (x × x) read the same input <c>v</c> and can run at
/// once; <c>add</c> sums their outputs into <c>total</c>.</item>
/// </list>
/// Every model batches (maxBatchSize 8).
/// </summary>
public static class EnsembleModels
{
    public const string Pipeline = "pipeline";
    public const string Branches = "branches";

    public static readonly float[] Mean = [1f, 2f, 3f, 4f];
    public static readonly float[] Scale = [0.5f, 2f, 1f, 0.25f];

    /// <summary>[4,3] row-major.</summary>
    public static readonly float[] Weights = [0.2f, -0.5f, 1f, 0.7f, 0.1f, -0.3f, -0.4f, 0.9f, 0.05f, 0.3f, 0.3f, -0.8f];

    public static readonly float[] Bias = [0.1f, -0.2f, 0.05f];

    public const string PipelineJson = """
        {
          "format": "ensemble",
          "maxBatchSize": 8,
          "input": [ { "name": "raw", "dataType": "TYPE_FP32", "dims": [-1] } ],
          "output": [
            { "name": "probabilities", "dataType": "TYPE_FP32", "dims": [3] },
            { "name": "logits", "dataType": "TYPE_FP32", "dims": [3] }
          ],
          "ensembleScheduling": {
            "step": [
              { "modelName": "standardise", "modelVersion": -1, "inputMap": { "x": "raw" }, "outputMap": { "z": "standardised" } },
              { "modelName": "classify", "modelVersion": 1, "inputMap": { "features": "standardised" }, "outputMap": { "probs": "probabilities", "logits": "logits" } }
            ]
          }
        }
        """;

    public const string BranchesJson = """
        {
          "format": "ensemble",
          "maxBatchSize": 8,
          "input": [ { "name": "v", "dataType": "FP32", "dims": [-1] } ],
          "output": [ { "name": "total", "dataType": "FP32", "dims": [-1] } ],
          "ensembleScheduling": {
            "step": [
              { "modelName": "add", "inputMap": { "a": "doubled", "b": "squared" }, "outputMap": { "sum": "total" } },
              { "modelName": "double", "inputMap": { "x": "v" }, "outputMap": { "y": "doubled" } },
              { "modelName": "square", "inputMap": { "x": "v" }, "outputMap": { "y": "squared" } }
            ]
          }
        }
        """;

    /// <summary>Writes the five members and both ensembles.</summary>
    public static TestRepository WithEnsembles(this TestRepository repo)
    {
        repo.WithEnsembleMembers();
        WriteEnsemble(repo, Pipeline, PipelineJson);
        WriteEnsemble(repo, Branches, BranchesJson);
        return repo;
    }

    /// <summary>Writes the members only: standardise, classify, double, square, add.</summary>
    public static TestRepository WithEnsembleMembers(this TestRepository repo)
    {
        const string batching = """{ "maxBatchSize": 8 }""";
        var standardise = new OnnxGraphBuilder("standardise");
        standardise.AddInput("x", OnnxElementType.Float, -1, 4);
        string centred = standardise.AddNode("Sub", ["x", standardise.AddInitializer("mean", OnnxTensor.FromFloats(Mean, 4))]);
        standardise.AddNode("Mul", [centred, standardise.AddInitializer("scale", OnnxTensor.FromFloats(Scale, 4))], ["z"]);
        standardise.AddOutput("z", OnnxElementType.Float, -1, 4);
        repo.WriteModel("standardise", 1, standardise.ToBytes(), batching);

        var classify = new OnnxGraphBuilder("classify");
        classify.AddInput("features", OnnxElementType.Float, -1, 4);
        string product = classify.AddNode("MatMul", ["features", classify.AddInitializer("w", OnnxTensor.FromFloats(Weights, 4, 3))]);
        classify.AddNode("Add", [product, classify.AddInitializer("b", OnnxTensor.FromFloats(Bias, 3))], ["logits"]);
        classify.AddNode("Softmax", ["logits"], ["probs"], OnnxAttribute.Int("axis", 1));
        classify.AddOutput("logits", OnnxElementType.Float, -1, 3);
        classify.AddOutput("probs", OnnxElementType.Float, -1, 3);
        repo.WriteModel("classify", 1, classify.ToBytes(), batching);

        repo.WriteModel("double", 1, Unary("double", "Add"), batching);
        repo.WriteModel("square", 1, Unary("square", "Mul"), batching);
        var add = new OnnxGraphBuilder("add");
        add.AddInput("a", OnnxElementType.Float, -1, -1);
        add.AddInput("b", OnnxElementType.Float, -1, -1);
        add.AddNode("Add", ["a", "b"], ["sum"]);
        add.AddOutput("sum", OnnxElementType.Float, -1, -1);
        repo.WriteModel("add", 1, add.ToBytes(), batching);
        return repo;
    }

    /// <summary>An ensemble's folder: its model.json and an empty version folder 1, as Triton lays one out.</summary>
    public static void WriteEnsemble(TestRepository repo, string name, string modelJson)
    {
        ArgumentNullException.ThrowIfNull(repo);
        string folder = Path.Combine(repo.Root, name);
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.WriteAllText(Path.Combine(folder, "model.json"), modelJson);
    }

    /// <summary>pipeline's outputs for rows of four values, computed in double: (logits, probabilities), each [rows × 3].</summary>
    public static (float[] Logits, float[] Probabilities) PipelineReference(float[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        int rows = raw.Length / 4;
        var logits = new float[rows * 3];
        var probabilities = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                double sum = Bias[c];
                for (int k = 0; k < 4; k++)
                {
                    sum += (double)((raw[(r * 4) + k] - Mean[k]) * Scale[k]) * Weights[(k * 3) + c];
                }

                logits[(r * 3) + c] = (float)sum;
            }

            double max = Enumerable.Range(0, 3).Max(c => (double)logits[(r * 3) + c]);
            double total = Enumerable.Range(0, 3).Sum(c => Math.Exp(logits[(r * 3) + c] - max));
            for (int c = 0; c < 3; c++)
            {
                probabilities[(r * 3) + c] = (float)(Math.Exp(logits[(r * 3) + c] - max) / total);
            }
        }

        return (logits, probabilities);
    }

    // x → y = x op x, FP32 [-1,-1].
    private static byte[] Unary(string name, string op)
    {
        var builder = new OnnxGraphBuilder(name);
        builder.AddInput("x", OnnxElementType.Float, -1, -1);
        builder.AddNode(op, ["x", "x"], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, -1);
        return builder.ToBytes();
    }
}
