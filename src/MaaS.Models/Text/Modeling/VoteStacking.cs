using System.Numerics.Tensors;

namespace MaaS.Models.Text.Modeling;

/// <summary>
/// The second level of a stacked <see cref="NeighbourVotes"/> head: each label's probability is a logistic regression
/// on every label's linear probability and every label's vote share,
/// <c>p_j = σ(b_j + Σ_a W[a, j] · [p_linear ‖ votes]_a)</c>, fitted on out-of-fold scores of the training rows.
/// Where one blend weight trusts the votes alike for every label, this learns how far each label trusts each part and
/// which labels come together (on Netflix a "Dramas" vote also speaks for "International Movies"). Exported to ONNX
/// as Concat, Gemm and Sigmoid. Immutable and thread-safe.
/// </summary>
public sealed class VoteStacking
{
    /// <summary>Initializer holding the weights, [2 · Labels, Labels] (rows: the linear probabilities, then the votes).</summary>
    public const string WeightsInitializer = "neighbour_stack_weights";

    /// <summary>Initializer holding the bias, [Labels].</summary>
    public const string BiasInitializer = "neighbour_stack_bias";

    private readonly float[] _weights;
    private readonly float[] _bias;

    /// <summary>Creates the layer; the arrays are not copied (do not mutate them).</summary>
    /// <param name="weights">[2 · labels, labels], row-major.</param>
    /// <param name="bias">[labels].</param>
    public VoteStacking(float[] weights, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (bias.Length == 0 || weights.Length != 2 * bias.Length * bias.Length)
        {
            throw new ArgumentException($"Expected [{2 * bias.Length}, {bias.Length}] weights for {bias.Length} labels.", nameof(weights));
        }

        _weights = weights;
        _bias = bias;
    }

    /// <summary>Labels.</summary>
    public int LabelCount => _bias.Length;

    /// <summary>Writes the stacked probabilities of <paramref name="linear"/> and <paramref name="votes"/> to <paramref name="p"/> (which may be <paramref name="linear"/>).</summary>
    public void Apply(ReadOnlySpan<float> linear, ReadOnlySpan<float> votes, Span<float> p)
    {
        int k = LabelCount;
        if (linear.Length < k || votes.Length < k || p.Length < k)
        {
            throw new ArgumentException($"Expected {k} probabilities, votes and outputs.");
        }

        Span<float> z = k <= 256 ? stackalloc float[k] : new float[k];
        _bias.CopyTo(z);
        // Row by row, as Gemm reads [p ‖ votes] × W: the sums run in the graph's order of inputs.
        for (int a = 0; a < k; a++)
        {
            TensorPrimitives.MultiplyAdd(_weights.AsSpan(a * k, k), linear[a], z, z);
        }

        for (int a = 0; a < k; a++)
        {
            TensorPrimitives.MultiplyAdd(_weights.AsSpan((k + a) * k, k), votes[a], z, z);
        }

        TensorPrimitives.Sigmoid(z, p[..k]);
    }

    /// <summary>Adds the layer to a graph: <c>Sigmoid(Concat(linear, votes) × W + b)</c> into <paramref name="output"/>.</summary>
    public void AddTo(OnnxGraphBuilder builder, string linear, string votes, string output)
    {
        ArgumentNullException.ThrowIfNull(builder);
        int k = LabelCount;
        string joined = builder.AddNode("Concat", [linear, votes], OnnxAttribute.Int("axis", 1));
        string weights = builder.AddInitializer(WeightsInitializer, OnnxTensor.FromFloats(_weights, 2L * k, k));
        string bias = builder.AddInitializer(BiasInitializer, OnnxTensor.FromFloats(_bias, k));
        builder.AddNode("Sigmoid", [builder.AddNode("Gemm", [joined, weights, bias])], [output]);
    }

    /// <summary>Reads the layer back from its initializers' raw floats; null when they do not fit <paramref name="labelCount"/>.</summary>
    public static VoteStacking? FromRaw(float[] weights, float[] bias, int labelCount) =>
        bias.Length == labelCount && weights.Length == 2 * labelCount * labelCount ? new VoteStacking(weights, bias) : null;
}
