using MaaS.Agents.Learning.Networks;
using MaaS.Agents.Learning.Trees;
using MaaS.Models.Authoring;

namespace MaaS.Services.Agents.Onnx;

/// <summary>
/// Writes trained policies as ONNX registry models that an agent of policy kind <c>onnx</c> decides by and that
/// <c>/v2</c> serves: input <see cref="Input"/> FP32 [N, features] (the agent's context features in order), output
/// <see cref="Scores"/> FP32 [N, actions] (one score per label of model.json, higher is better). Deterministic bytes.
/// </summary>
public static class PolicyModels
{
    /// <summary>The observation input.</summary>
    public const string Input = "observation";

    /// <summary>The per-action scores output.</summary>
    public const string Scores = "scores";

    /// <summary>The tree's predicted label output (INT64 [N], the index of the best label).</summary>
    public const string Label = "label";

    /// <summary>The ONNX-ML operator set written: TreeEnsembleClassifier is in it since version 1, unchanged in 3.</summary>
    public const long MlOpset = 3;

    /// <summary>
    /// The tree as one ONNX-ML <c>TreeEnsembleClassifier</c> (domain ai.onnx.ml): <see cref="Label"/> and the leaf's
    /// class shares as <see cref="Scores"/>, a plain tensor (no ZipMap, which would give a sequence of maps).
    /// </summary>
    public static byte[] Tree(DecisionTree tree, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(tree);
        CheckLabels(labels, tree.Classes);
        int nodes = tree.NodeCount;
        var classTree = new List<long>();
        var classNode = new List<long>();
        var classId = new List<long>();
        var classWeight = new List<float>();
        for (int n = 0; n < nodes; n++)
        {
            if (tree.Feature[n] >= 0)
            {
                continue;
            }
            for (int c = 0; c < tree.Classes; c++)
            {
                classTree.Add(0);
                classNode.Add(n);
                classId.Add(c);
                classWeight.Add(tree.LeafDistribution[(n * tree.Classes) + c]);
            }
        }
        var builder = new OnnxGraphBuilder("policy_tree") { ProducerName = "maas-agents" };
        builder.AddInput(Input, OnnxElementType.Float, -1, tree.Features);
        builder.AddDomainNode("ai.onnx.ml", MlOpset, "TreeEnsembleClassifier", [Input], [Label, Scores],
            OnnxAttribute.Ints("classlabels_int64s", [.. Enumerable.Range(0, tree.Classes).Select(c => (long)c)]),
            OnnxAttribute.Ints("nodes_treeids", new long[nodes]),
            OnnxAttribute.Ints("nodes_nodeids", [.. Enumerable.Range(0, nodes).Select(n => (long)n)]),
            OnnxAttribute.Ints("nodes_featureids", [.. tree.Feature.Select(f => (long)Math.Max(f, 0))]),
            OnnxAttribute.Strings("nodes_modes", [.. tree.Feature.Select(f => f >= 0 ? "BRANCH_LEQ" : "LEAF")]),
            OnnxAttribute.Floats("nodes_values", tree.Threshold),
            OnnxAttribute.Ints("nodes_truenodeids", [.. tree.TrueChild.Select(c => (long)Math.Max(c, 0))]),
            OnnxAttribute.Ints("nodes_falsenodeids", [.. tree.FalseChild.Select(c => (long)Math.Max(c, 0))]),
            OnnxAttribute.Ints("class_treeids", [.. classTree]),
            OnnxAttribute.Ints("class_nodeids", [.. classNode]),
            OnnxAttribute.Ints("class_ids", [.. classId]),
            OnnxAttribute.Floats("class_weights", [.. classWeight]),
            OnnxAttribute.String("post_transform", "NONE"));
        // Scores first: the market reads a card's labels against the first output.
        builder.AddOutput(Scores, OnnxElementType.Float, -1, tree.Classes);
        builder.AddOutput(Label, OnnxElementType.Int64, -1);
        builder.AddMetadata("labels", string.Join(",", labels));
        return builder.ToBytes();
    }

    /// <summary>The perceptron as Gemm → Relu → Gemm → Softmax: <see cref="Scores"/> are its class probabilities.</summary>
    public static byte[] Mlp(MlpClassifier mlp, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        CheckLabels(labels, mlp.Classes);
        var builder = new OnnxGraphBuilder("policy_mlp") { ProducerName = "maas-agents" };
        builder.AddInput(Input, OnnxElementType.Float, -1, mlp.Features);
        string w1 = builder.AddInitializer("W1", OnnxTensor.FromFloats(mlp.W1, mlp.Features, mlp.Hidden));
        string b1 = builder.AddInitializer("B1", OnnxTensor.FromFloats(mlp.B1, mlp.Hidden));
        string w2 = builder.AddInitializer("W2", OnnxTensor.FromFloats(mlp.W2, mlp.Hidden, mlp.Classes));
        string b2 = builder.AddInitializer("B2", OnnxTensor.FromFloats(mlp.B2, mlp.Classes));
        string hidden = builder.AddNode("Relu", [builder.AddNode("Gemm", [Input, w1, b1])]);
        string logits = builder.AddNode("Gemm", [hidden, w2, b2]);
        builder.AddNode("Softmax", [logits], [Scores], OnnxAttribute.Int("axis", -1));
        builder.AddOutput(Scores, OnnxElementType.Float, -1, mlp.Classes);
        builder.AddMetadata("labels", string.Join(",", labels));
        return builder.ToBytes();
    }

    /// <summary>
    /// Writes <c>&lt;root&gt;/&lt;name&gt;/model.json</c> (classification, the labels in score order) and
    /// <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c>: a model folder the registry loads and <c>maas publish</c> takes.
    /// </summary>
    public static string WriteTo(string repositoryRoot, string name, long version, byte[] onnx, IReadOnlyList<string> labels, string description)
    {
        ArgumentNullException.ThrowIfNull(labels);
        string directory = Path.Combine(repositoryRoot, name);
        string versionDirectory = Path.Combine(directory, version.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(versionDirectory);
        var config = new System.Text.Json.Nodes.JsonObject
        {
            ["task"] = "classification",
            ["format"] = "onnx",
            ["description"] = description,
            ["tags"] = new System.Text.Json.Nodes.JsonArray("agent-policy"),
            ["labels"] = new System.Text.Json.Nodes.JsonArray([.. labels.Select(l => System.Text.Json.Nodes.JsonValue.Create(l))]),
            ["maxBatchSize"] = 64,
        };
        File.WriteAllText(Path.Combine(directory, RepositoryFiles.Config), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        File.WriteAllBytes(Path.Combine(versionDirectory, RepositoryFiles.Onnx), onnx);
        return directory;
    }

    private static void CheckLabels(IReadOnlyList<string> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != classes)
        {
            throw new ArgumentException($"The model scores {classes} actions; {labels.Count} labels given.", nameof(labels));
        }
    }
}
