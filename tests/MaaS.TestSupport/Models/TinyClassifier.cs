using MaaS.Models.Authoring;

namespace MaaS.TestSupport.Models;

/// <summary>
/// A classifier small enough to upload in a blink (a few hundred bytes): <c>input</c> FP32 [-1, 8] → MatMul → Softmax →
/// <c>probabilities</c> FP32 [-1, 3], the shape of the bundled example-mlp, so the cards written for it fit.
/// </summary>
public static class TinyClassifier
{
    public static byte[] Build()
    {
        var weights = new float[8 * 3];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (i % 7 - 3) / 10f;
        }

        var builder = new OnnxGraphBuilder("tiny-classifier");
        builder.AddInput("input", OnnxElementType.Float, -1, 8);
        string w = builder.AddInitializer("weights", OnnxTensor.FromFloats(weights, 8, 3));
        string logits = builder.AddNode("MatMul", ["input", w]);
        builder.AddNode("Softmax", [logits], ["probabilities"], OnnxAttribute.Int("axis", -1));
        builder.AddOutput("probabilities", OnnxElementType.Float, -1, 3);
        return builder.ToBytes();
    }
}
