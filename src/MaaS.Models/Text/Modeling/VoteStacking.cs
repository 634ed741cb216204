namespace MaaS.Models.Text.Modeling;

/// <summary>
/// The second level of a stacked <see cref="NeighbourVotes"/> head: each label's probability is a logistic regression
/// on every label's linear probability, (with <see cref="UsesLogits"/>) every label's linear log-odds, and every
/// label's vote share, <c>p_j = σ(b_j + Σ_a W[a, j] · [p_linear ‖ logit(p_linear) / 4 ‖ votes]_a)</c>, fitted on
/// out-of-fold scores of the training rows. Where one blend weight trusts the votes alike for every label, this learns
/// how far each label trusts each part and which labels come together (on Netflix a "Dramas" vote also speaks for
/// "International Movies"); the log-odds let it tell a 0.001 from a 0.02, which a probability input nearly flattens.
/// Exported to ONNX as Max/Min/Div/Log (the log-odds), Concat, Gemm and Sigmoid. Immutable and thread-safe.
/// </summary>
public sealed class VoteStacking
{
    /// <summary>Initializer holding the weights, [2 · Labels, Labels] or, with <see cref="UsesLogits"/>, [3 · Labels, Labels] (rows: the linear probabilities, their log-odds, then the votes).</summary>
    public const string WeightsInitializer = "neighbour_stack_weights";

    /// <summary>Initializer holding the bias, [Labels].</summary>
    public const string BiasInitializer = "neighbour_stack_bias";

    /// <summary>Probabilities are clamped to [this, 1 − this] before their log-odds (±9.2), as the graph's Max/Min do.</summary>
    public const float LogitClamp = 1e-4f;

    /// <summary>The log-odds input is scaled by this, which keeps it near the [0, 1] range of the other inputs for the fit.</summary>
    public const float LogitScale = 0.25f;

    private readonly float[] _weights;
    private readonly float[] _bias;

    /// <summary>Creates the layer; the arrays are not copied (do not mutate them).</summary>
    /// <param name="weights">[2 · labels, labels] (probabilities, votes) or [3 · labels, labels] (probabilities, log-odds, votes), row-major.</param>
    /// <param name="bias">[labels].</param>
    public VoteStacking(float[] weights, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        int k = bias.Length;
        if (k == 0 || (weights.Length != 2 * k * k && weights.Length != 3 * k * k))
        {
            throw new ArgumentException($"Expected [{2 * k}, {k}] or [{3 * k}, {k}] weights for {k} labels.", nameof(weights));
        }

        _weights = weights;
        _bias = bias;
        UsesLogits = weights.Length == 3 * k * k;
    }

    /// <summary>Labels.</summary>
    public int LabelCount => _bias.Length;

    /// <summary>Whether the linear log-odds are inputs too (the default of <see cref="Training.VoteStacker"/>; older models have only probabilities and votes).</summary>
    public bool UsesLogits { get; }

    /// <summary>Inputs per label: 2 or 3.</summary>
    public int Parts => UsesLogits ? 3 : 2;

    /// <summary>The scaled log-odds input of one probability, as the graph computes it.</summary>
    public static float Logit(float p)
    {
        float c = Math.Min(Math.Max(p, LogitClamp), 1f - LogitClamp);
        return MathF.Log(c / (1f - c)) * LogitScale;
    }

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
        // Row by row, as Gemm reads [p ‖ logits ‖ votes] × W: the sums run in the graph's order of inputs.
        for (int a = 0; a < k; a++)
        {
            TensorPrimitives.MultiplyAdd(_weights.AsSpan(a * k, k), linear[a], z, z);
        }

        int votesAt = k;
        if (UsesLogits)
        {
            for (int a = 0; a < k; a++)
            {
                TensorPrimitives.MultiplyAdd(_weights.AsSpan((k + a) * k, k), Logit(linear[a]), z, z);
            }

            votesAt = 2 * k;
        }

        for (int a = 0; a < k; a++)
        {
            TensorPrimitives.MultiplyAdd(_weights.AsSpan((votesAt + a) * k, k), votes[a], z, z);
        }

        TensorPrimitives.Sigmoid(z, p[..k]);
    }

    /// <summary>Adds the layer to a graph: <c>Sigmoid(Concat(linear, [logit(linear) / 4,] votes) × W + b)</c> into <paramref name="output"/>.</summary>
    public void AddTo(OnnxGraphBuilder builder, string linear, string votes, string output)
    {
        ArgumentNullException.ThrowIfNull(builder);
        int k = LabelCount;
        string[] parts = [linear, votes];
        if (UsesLogits)
        {
            string low = builder.AddInitializer("neighbour_stack_low", OnnxTensor.FromFloats([LogitClamp], 1));
            string high = builder.AddInitializer("neighbour_stack_high", OnnxTensor.FromFloats([1f - LogitClamp], 1));
            string clamped = builder.AddNode("Min", [builder.AddNode("Max", [linear, low]), high]);
            string rest = builder.AddNode("Sub", [builder.AddInitializer("neighbour_stack_one", OnnxTensor.FromFloats([1f], 1)), clamped]);
            string logits = builder.AddNode("Mul", [builder.AddNode("Log", [builder.AddNode("Div", [clamped, rest])]), builder.AddInitializer("neighbour_stack_logit_scale", OnnxTensor.FromFloats([LogitScale], 1))]);
            parts = [linear, logits, votes];
        }

        string joined = builder.AddNode("Concat", parts, OnnxAttribute.Int("axis", 1));
        string weights = builder.AddInitializer(WeightsInitializer, OnnxTensor.FromFloats(_weights, (long)Parts * k, k));
        string bias = builder.AddInitializer(BiasInitializer, OnnxTensor.FromFloats(_bias, k));
        builder.AddNode("Sigmoid", [builder.AddNode("Gemm", [joined, weights, bias])], [output]);
    }

    /// <summary>Reads the layer back from its initializers' raw floats; null when they do not fit <paramref name="labelCount"/>.</summary>
    public static VoteStacking? FromRaw(float[] weights, float[] bias, int labelCount) =>
        bias.Length == labelCount && labelCount > 0 && (weights.Length == 2 * labelCount * labelCount || weights.Length == 3 * labelCount * labelCount) ? new VoteStacking(weights, bias) : null;
}
