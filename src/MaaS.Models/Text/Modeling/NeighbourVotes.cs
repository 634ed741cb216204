namespace MaaS.Models.Text.Modeling;

/// <summary>
/// A non-linear head over the sentence embedding a model's features carry: the <see cref="K"/> training texts nearest
/// by cosine (dot product of unit vectors) vote for their labels, each with weight max(cosine, 0)^<see cref="Sharpness"/>
/// (a higher power lets the nearest count more), and the vote shares
/// are blended with the linear model's probabilities: <c>p = (1 − Weight) · p_linear + Weight · votes</c>, or, with a
/// <see cref="Stacking"/>, combined by its per-label logistic layer over both. Exported to
/// ONNX as Gemm against the stored training vectors, TopK, Gather of their label rows and a weighted mean, so a
/// served version stays one graph. Immutable and thread-safe.
/// </summary>
public sealed class NeighbourVotes
{
    /// <summary>Initializer holding the training vectors, [Count, Dimensions].</summary>
    public const string VectorsInitializer = "neighbour_vectors";

    /// <summary>Initializer holding each training text's labels as 0/1, [Count, Labels].</summary>
    public const string LabelsInitializer = "neighbour_labels";

    /// <summary>Initializer holding K, INT64 [1] (TopK's second input).</summary>
    public const string KInitializer = "neighbour_k";

    /// <summary>Initializer holding the blend weight, FP32 [1].</summary>
    public const string WeightInitializer = "neighbour_weight";

    /// <summary>Initializer holding the power on each neighbour's cosine, FP32 [1].</summary>
    public const string SharpnessInitializer = "neighbour_power";

    // Keeps a text whose neighbours all score ≤ 0 at zero votes instead of 0/0.
    private const float Epsilon = 1e-12f;

    private readonly float[] _vectors;
    private readonly float[] _labels;

    /// <summary>Creates a head; the arrays are row-major and not copied (do not mutate them).</summary>
    /// <param name="vectors">Training vectors, [count, dimensions].</param>
    /// <param name="labels">Training labels as 0/1, [count, labelCount].</param>
    /// <param name="dimensions">Embedding dimensions.</param>
    /// <param name="labelCount">Labels.</param>
    /// <param name="k">Neighbours that vote (at most the training texts).</param>
    /// <param name="weight">Share of the votes in the blend, in [0, 1].</param>
    /// <param name="sharpness">Power on each neighbour's cosine in its vote weight (1: the cosine itself).</param>
    /// <param name="stack">The layer that combines the linear probabilities and the votes instead of the blend weight, or null.</param>
    public NeighbourVotes(float[] vectors, float[] labels, int dimensions, int labelCount, int k, float weight, float sharpness = 1f, VoteStacking? stack = null)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        int count = vectors.Length / dimensions;
        if (count == 0 || vectors.Length != count * dimensions || labels.Length != count * labelCount)
        {
            throw new ArgumentException($"Expected [{count}, {dimensions}] vectors and [{count}, {labelCount}] labels.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 1f);
        ArgumentOutOfRangeException.ThrowIfLessThan(sharpness, 1f);
        if (stack is not null && stack.LabelCount != labelCount)
        {
            throw new ArgumentException($"The stack has {stack.LabelCount} labels, the head {labelCount}.", nameof(stack));
        }

        _vectors = vectors;
        _labels = labels;
        Dimensions = dimensions;
        LabelCount = labelCount;
        Count = count;
        K = Math.Min(k, count);
        Weight = weight;
        Sharpness = sharpness;
        Stacking = stack;
    }

    /// <summary>Embedding dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>Labels.</summary>
    public int LabelCount { get; }

    /// <summary>Training texts stored.</summary>
    public int Count { get; }

    /// <summary>Neighbours that vote.</summary>
    public int K { get; }

    /// <summary>Share of the votes in the blend.</summary>
    public float Weight { get; }

    /// <summary>Power on each neighbour's cosine in its vote weight.</summary>
    public float Sharpness { get; }

    /// <summary>The layer that combines the linear probabilities and the votes (then <see cref="Weight"/> is unused), or null for the blend.</summary>
    public VoteStacking? Stacking { get; }

    /// <summary>The same neighbours with another blend weight and sharpness.</summary>
    public NeighbourVotes With(float weight, float sharpness) => new(_vectors, _labels, Dimensions, LabelCount, K, weight, sharpness, Stacking);

    /// <summary>The same neighbours combined with the linear probabilities by <paramref name="stack"/> (null: the blend weight).</summary>
    public NeighbourVotes WithStacking(VoteStacking? stack) => new(_vectors, _labels, Dimensions, LabelCount, K, Weight, Sharpness, stack);

    /// <summary>Builds a head from training rows' embeddings and label sets.</summary>
    public static NeighbourVotes Build(IReadOnlyList<float[]> embeddings, IReadOnlyList<int[]> labels, int labelCount, int k, float weight, float sharpness = 1f)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        int dimensions = embeddings.Count == 0 ? 1 : embeddings[0].Length;
        var vectors = new float[embeddings.Count * dimensions];
        var targets = new float[embeddings.Count * labelCount];
        for (int i = 0; i < embeddings.Count; i++)
        {
            embeddings[i].CopyTo(vectors.AsSpan(i * dimensions, dimensions));
            foreach (int label in labels[i])
            {
                targets[(i * labelCount) + label] = 1f;
            }
        }

        return new NeighbourVotes(vectors, targets, dimensions, labelCount, k, weight, sharpness);
    }

    /// <summary>
    /// The embedding inside a featurized text: ids from <c>Buckets</c> on are its components, each weight divided by
    /// the scale (as a product with the reciprocal, which the ONNX graph computes too). Null when the text has none.
    /// </summary>
    public static float[]? EmbeddingOf(TextFeatures features, TextFeaturizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.EmbeddingModel is null)
        {
            return null;
        }

        var embedding = new float[settings.EmbeddingDimensions];
        float inverse = InverseScale(settings);
        bool any = false;
        for (int i = 0; i < features.Count; i++)
        {
            int d = features.Ids[i] - settings.Buckets;
            if (d >= 0)
            {
                embedding[d] += features.Weights[i] * inverse;
                any = true;
            }
        }

        return any ? embedding : null;
    }

    /// <summary>Vote share of each label among the <see cref="K"/> nearest training texts, written to <paramref name="votes"/>.</summary>
    public void Votes(ReadOnlySpan<float> embedding, Span<float> votes)
    {
        if (embedding.Length != Dimensions || votes.Length < LabelCount)
        {
            throw new ArgumentException($"Expected {Dimensions} dimensions and room for {LabelCount} votes.");
        }

        // The K best by a bounded insertion list: K is small next to the training texts.
        Span<float> bestScore = K <= 256 ? stackalloc float[K] : new float[K];
        Span<int> bestRow = K <= 256 ? stackalloc int[K] : new int[K];
        int filled = 0;
        for (int row = 0; row < Count; row++)
        {
            float score = TensorPrimitives.Dot(embedding, _vectors.AsSpan(row * Dimensions, Dimensions));
            if (filled == K && score <= bestScore[K - 1])
            {
                continue;
            }

            int at = filled < K ? filled++ : K - 1;
            while (at > 0 && bestScore[at - 1] < score)
            {
                bestScore[at] = bestScore[at - 1];
                bestRow[at] = bestRow[at - 1];
                at--;
            }

            bestScore[at] = score;
            bestRow[at] = row;
        }

        var output = votes[..LabelCount];
        output.Clear();
        float total = 0f;
        for (int n = 0; n < filled; n++)
        {
            float w = MathF.Pow(Math.Max(bestScore[n], 0f), Sharpness);
            total += w;
            TensorPrimitives.MultiplyAdd(_labels.AsSpan(bestRow[n] * LabelCount, LabelCount), w, output, output);
        }

        TensorPrimitives.Divide(output, total + Epsilon, output);
    }

    /// <summary>Blends the votes for <paramref name="embedding"/> into the linear probabilities <paramref name="p"/>.</summary>
    public void Blend(ReadOnlySpan<float> embedding, Span<float> p)
    {
        Span<float> votes = LabelCount <= 256 ? stackalloc float[LabelCount] : new float[LabelCount];
        Votes(embedding, votes);
        if (Stacking is not null)
        {
            Stacking.Apply(p, votes, p);
            return;
        }

        for (int j = 0; j < LabelCount; j++)
        {
            p[j] = ((1f - Weight) * p[j]) + (Weight * votes[j]);
        }
    }

    /// <summary>
    /// Adds the head to a graph whose <c>ids</c>/<c>weights</c> inputs carry the embedding components: rebuilds the
    /// dense embedding (Gather from a [1 + dimensions, dimensions] selector whose row 0, where every n-gram id lands,
    /// is zero), scores every training vector (Gemm), keeps the K best (TopK), averages their label rows weighted by
    /// Relu(cosine)^sharpness and blends with <paramref name="linear"/> (or stacks them, <see cref="VoteStacking.AddTo"/>) into <paramref name="output"/>.
    /// </summary>
    public void AddTo(OnnxGraphBuilder builder, TextFeaturizerSettings settings, string ids, string weights, string linear, string output)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        float inverse = InverseScale(settings);
        var selector = new float[(Dimensions + 1) * Dimensions];
        for (int d = 0; d < Dimensions; d++)
        {
            selector[((d + 1) * Dimensions) + d] = inverse;
        }

        string shifted = builder.AddNode("Sub", [ids, builder.AddInitializer("neighbour_offset", OnnxTensor.FromInt64s([settings.Buckets - 1L], 1))]);
        string index = builder.AddNode("Max", [shifted, builder.AddInitializer("neighbour_zero", OnnxTensor.FromInt64s([0L], 1))]);
        string components = builder.AddNode("Gather", [builder.AddInitializer("neighbour_selector", OnnxTensor.FromFloats(selector, Dimensions + 1, Dimensions)), index], OnnxAttribute.Int("axis", 0));
        string weights3 = builder.AddNode("Unsqueeze", [weights, builder.AddInitializer("neighbour_axis_2", OnnxTensor.FromInt64s([2], 1))]);
        string weighted = builder.AddNode("Mul", [components, weights3]);
        string axis1 = builder.AddInitializer("neighbour_axis_1", OnnxTensor.FromInt64s([1], 1));
        string embedding = builder.AddNode("ReduceSum", [weighted, axis1], OnnxAttribute.Int("keepdims", 0));
        string vectors = builder.AddInitializer(VectorsInitializer, OnnxTensor.FromFloats(_vectors, Count, Dimensions));
        string scores = builder.AddNode("Gemm", [embedding, vectors], OnnxAttribute.Int("transB", 1));
        builder.AddInitializer(KInitializer, OnnxTensor.FromInt64s([K], 1));
        const string topValues = "neighbour_top_values", topRows = "neighbour_top_rows";
        builder.AddNode("TopK", [scores, KInitializer], [topValues, topRows], OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1));
        string voteWeights = builder.AddNode("Pow", [builder.AddNode("Relu", [topValues]), builder.AddInitializer(SharpnessInitializer, OnnxTensor.FromFloats([Sharpness], 1))]);
        string rowLabels = builder.AddNode("Gather", [builder.AddInitializer(LabelsInitializer, OnnxTensor.FromFloats(_labels, Count, LabelCount)), topRows], OnnxAttribute.Int("axis", 0));
        string weightedLabels = builder.AddNode("Mul", [rowLabels, builder.AddNode("Unsqueeze", [voteWeights, "neighbour_axis_2"])]);
        string sums = builder.AddNode("ReduceSum", [weightedLabels, axis1], OnnxAttribute.Int("keepdims", 0));
        string total = builder.AddNode("Add", [builder.AddNode("ReduceSum", [voteWeights, axis1], OnnxAttribute.Int("keepdims", 1)), builder.AddInitializer("neighbour_epsilon", OnnxTensor.FromFloats([Epsilon], 1))]);
        string votes = builder.AddNode("Div", [sums, total]);
        if (Stacking is not null)
        {
            // The weight initializer stays (readers of the head expect it); the stack decides.
            builder.AddInitializer(WeightInitializer, OnnxTensor.FromFloats([Weight], 1));
            Stacking.AddTo(builder, linear, votes, output);
            return;
        }

        string share = builder.AddInitializer(WeightInitializer, OnnxTensor.FromFloats([Weight], 1));
        string rest = builder.AddInitializer("neighbour_rest", OnnxTensor.FromFloats([1f - Weight], 1));
        builder.AddNode("Add", [builder.AddNode("Mul", [linear, rest]), builder.AddNode("Mul", [votes, share])], [output]);
    }

    private static float InverseScale(TextFeaturizerSettings settings) => 1f / (settings.EmbeddingScale ?? 1f);
}
