namespace MaaS.Models.Examples;

/// <summary>
/// The bundled ensemble example, Triton's pre-processing → model pattern over <see cref="ExampleMlp"/>:
/// <c>example-scaler</c> maps raw features in [0, 1] to [-1, 1] (z = (x − 0.5) × 2, FP32 [-1,8]) and
/// <c>example-pipeline</c> (an ensemble, no weights of its own) feeds its output to example-mlp, answering its
/// probabilities and logits. Written by <see cref="WriteTo"/>; the files under <c>models/</c> are byte-identical.
/// </summary>
public static class ExamplePipeline
{
    /// <summary>The scaler's model name.</summary>
    public const string Scaler = "example-scaler";

    /// <summary>The ensemble's model name.</summary>
    public const string Name = "example-pipeline";

    /// <summary>The scaler's model.json.</summary>
    public const string ScalerJson = """
        {
          "task": "preprocessing", "format": "onnx", "owner": "maas", "maxBatchSize": 64, "tags": ["example", "preprocessing"],
          "description": "Scales 8 raw features from [0, 1] to [-1, 1] ((x - 0.5) * 2): the pre-processing step of example-pipeline."
        }

        """;

    /// <summary>The ensemble's model.json.</summary>
    public const string ModelJson = """
        {
          "task": "classification", "format": "ensemble", "owner": "maas", "maxBatchSize": 64, "tags": ["example", "ensemble"],
          "description": "Ensemble example: example-scaler (raw features in [0, 1] to [-1, 1]) feeding example-mlp, in one call.",
          "labels": ["low", "medium", "high"],
          "input": [ { "name": "raw", "dataType": "TYPE_FP32", "dims": [8] } ],
          "output": [
            { "name": "probabilities", "dataType": "TYPE_FP32", "dims": [3] },
            { "name": "logits", "dataType": "TYPE_FP32", "dims": [3] }
          ],
          "ensembleScheduling": {
            "step": [
              { "modelName": "example-scaler", "modelVersion": -1, "inputMap": { "raw": "raw" }, "outputMap": { "scaled": "scaled" } },
              { "modelName": "example-mlp", "modelVersion": -1, "inputMap": { "input": "scaled" }, "outputMap": { "probabilities": "probabilities", "logits": "logits" } }
            ]
          }
        }

        """;

    /// <summary>The scaler's ONNX graph: raw FP32 [-1,8] → scaled = (raw − 0.5) × 2.</summary>
    public static byte[] BuildScalerOnnx()
    {
        var builder = new OnnxGraphBuilder(Scaler);
        builder.AddInput("raw", OnnxElementType.Float, -1, ExampleMlp.InputSize);
        string centred = builder.AddNode("Sub", ["raw", builder.AddInitializer("half", OnnxTensor.Scalar(0.5f))]);
        builder.AddNode("Mul", [centred, builder.AddInitializer("two", OnnxTensor.Scalar(2f))], ["scaled"]);
        builder.AddOutput("scaled", OnnxElementType.Float, -1, ExampleMlp.InputSize);
        return builder.ToBytes();
    }

    /// <summary>Writes example-scaler (version 1) and example-pipeline (its model.json and an empty version folder 1) into a repository.</summary>
    public static void WriteTo(string repositoryRoot)
    {
        string scaler = Path.Combine(repositoryRoot, Scaler);
        Directory.CreateDirectory(Path.Combine(scaler, "1"));
        File.WriteAllText(Path.Combine(scaler, RepositoryFiles.Config), ScalerJson);
        File.WriteAllBytes(Path.Combine(scaler, "1", RepositoryFiles.Onnx), BuildScalerOnnx());
        string pipeline = Path.Combine(repositoryRoot, Name);
        Directory.CreateDirectory(Path.Combine(pipeline, "1"));
        File.WriteAllText(Path.Combine(pipeline, RepositoryFiles.Config), ModelJson);
    }
}
