namespace MaaS.Agents.Learning.Trees;

/// <summary>
/// A fitted classification tree in the flat form ONNX-ML's <c>TreeEnsembleClassifier</c> takes: node i is a branch
/// (<c>x[Feature] &lt;= Threshold</c> goes to <see cref="TrueChild"/>, else <see cref="FalseChild"/>) or a leaf
/// (<see cref="Feature"/> = -1) holding the class distribution of its training rows. Node 0 is the root. Immutable.
/// </summary>
/// <param name="Features">Input width.</param>
/// <param name="Classes">Number of classes; labels are 0..Classes-1.</param>
/// <param name="Feature">Per node: the feature tested, or -1 for a leaf.</param>
/// <param name="Threshold">Per node: the split value (float, compared as ONNX Runtime compares it).</param>
/// <param name="TrueChild">Per node: the child when the test holds; -1 for a leaf.</param>
/// <param name="FalseChild">Per node: the child otherwise; -1 for a leaf.</param>
/// <param name="LeafDistribution">Per node, <see cref="Classes"/> values: the class shares of a leaf (zeros for a branch).</param>
public sealed record DecisionTree(int Features, int Classes, int[] Feature, float[] Threshold, int[] TrueChild, int[] FalseChild, float[] LeafDistribution)
{
    /// <summary>Nodes, branches and leaves.</summary>
    public int NodeCount => Feature.Length;

    /// <summary>The leaf a row falls into.</summary>
    public int Leaf(ReadOnlySpan<float> row)
    {
        if (row.Length != Features)
        {
            throw new ArgumentException($"Expected {Features} features, got {row.Length}.", nameof(row));
        }
        int node = 0;
        while (Feature[node] >= 0)
        {
            node = row[Feature[node]] <= Threshold[node] ? TrueChild[node] : FalseChild[node];
        }
        return node;
    }

    /// <summary>The class shares of the row's leaf (a view, do not write).</summary>
    public ReadOnlySpan<float> Scores(ReadOnlySpan<float> row) => LeafDistribution.AsSpan(Leaf(row) * Classes, Classes);

    /// <summary>The most frequent class of the row's leaf (the lowest label among ties).</summary>
    public int Predict(ReadOnlySpan<float> row) => TensorPrimitives.IndexOfMax(Scores(row));
}
