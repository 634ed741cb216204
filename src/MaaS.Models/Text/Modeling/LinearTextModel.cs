namespace MaaS.Models.Text.Modeling;

/// <summary>
/// A linear model over hashed n-grams: <c>logits = bias + Σ weight(id) · table[id, :]</c>, then softmax or sigmoid.
/// The C# prediction here and the exported ONNX graph compute the same function. Immutable and thread-safe.
/// </summary>
public sealed class LinearTextModel
{
    /// <summary>ONNX input of feature ids, INT64 [batch, length].</summary>
    public const string IdsInput = "ids";

    /// <summary>ONNX input of feature weights, FP32 [batch, length].</summary>
    public const string WeightsInput = "weights";

    /// <summary>ONNX output, FP32 [batch, labels].</summary>
    public const string ProbabilitiesOutput = "probabilities";

    [ThreadStatic]
    private static int[]? t_ids;

    private readonly float[] _table;
    private readonly float[] _bias;

    // Two-label softmax: table[id, 1] − table[id, 0], so prediction reads one float per feature (half the table's
    // bytes) and p(1) = σ(Σ difference + bias difference).
    private readonly float[]? _difference;

    // _difference's first element: it is allocated pinned, so the address stays valid for the model's life.
    private readonly nint _differenceRows;

    /// <summary>Creates a model; <paramref name="table"/> is row-major [FeatureSpace, labels] and is not copied (do not mutate it).</summary>
    /// <param name="settings">Featurizer settings.</param>
    /// <param name="labels">Output labels.</param>
    /// <param name="activation">Softmax or sigmoid.</param>
    /// <param name="table">Weights, [FeatureSpace, labels].</param>
    /// <param name="bias">Biases, one per label.</param>
    /// <param name="neighbours">A neighbour-vote head blended into the probabilities (needs the embedding in the features), or null.</param>
    public LinearTextModel(TextFeaturizerSettings settings, IReadOnlyList<string> labels, TextModelActivation activation, float[] table, float[] bias, NeighbourVotes? neighbours = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(bias);
        if (labels.Count == 0 || bias.Length != labels.Count || table.Length != (long)settings.FeatureSpace * labels.Count)
        {
            throw new ArgumentException($"Expected a [{settings.FeatureSpace}, {labels.Count}] table and {labels.Count} biases.");
        }

        if (neighbours is not null && (settings.EmbeddingModel is null || neighbours.Dimensions != settings.EmbeddingDimensions || neighbours.LabelCount != labels.Count))
        {
            throw new ArgumentException("A neighbour head needs the featurizer's embedding dimensions and the model's labels.", nameof(neighbours));
        }

        Settings = settings;
        Neighbours = neighbours;
        Labels = [.. labels];
        Activation = activation;
        _table = table;
        _bias = bias;
        Featurizer = new TextFeaturizer(settings);
        if (activation == TextModelActivation.Softmax && labels.Count == 2)
        {
            _difference = GC.AllocateUninitializedArray<float>(settings.FeatureSpace, pinned: true);
            for (int id = 0; id < _difference.Length; id++)
            {
                _difference[id] = table[2 * id + 1] - table[2 * id];
            }

            unsafe
            {
                _differenceRows = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_difference));
            }
        }
    }

    /// <summary>Featurizer settings the model was trained with.</summary>
    public TextFeaturizerSettings Settings { get; }

    /// <summary>The featurizer for these settings.</summary>
    public TextFeaturizer Featurizer { get; }

    /// <summary>Output labels in output order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Softmax (single-label) or sigmoid (multi-label).</summary>
    public TextModelActivation Activation { get; }

    /// <summary>The neighbour-vote head blended into the probabilities, or null for a purely linear model.</summary>
    public NeighbourVotes? Neighbours { get; }

    /// <summary>The same table with a neighbour-vote head (null removes it).</summary>
    public LinearTextModel WithNeighbours(NeighbourVotes? neighbours) => new(Settings, Labels, Activation, _table, _bias, neighbours);

    /// <summary>Weight of feature <paramref name="id"/> for label <paramref name="label"/>.</summary>
    public float Weight(int id, int label) => _table[(long)id * Labels.Count + label];

    /// <summary>Bias of a label.</summary>
    public float Bias(int label) => _bias[label];

    /// <summary>Raw scores before the activation.</summary>
    public float[] Logits(TextFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var logits = new float[Labels.Count];
        Logits(features.Ids, features.Weights, 0f, logits);
        return logits;
    }

    // Sums in double, in feature order, whether the weights come per id or as one for all ids.
    private void Logits(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, float weight, Span<float> logits)
    {
        int k = Labels.Count;
        Span<double> sums = k <= 64 ? stackalloc double[k] : new double[k];
        sums.Clear();
        var table = _table.AsSpan();
        for (int i = 0; i < ids.Length; i++)
        {
            var row = table.Slice(ids[i] * k, k);
            double w = weights.IsEmpty ? weight : weights[i];
            for (int j = 0; j < row.Length; j++)
            {
                sums[j] += (double)row[j] * w;
            }
        }

        for (int j = 0; j < k; j++)
        {
            logits[j] = (float)(sums[j] + _bias[j]);
        }
    }

    /// <summary>
    /// Probabilities per label for ids that all carry <paramref name="weight"/> (what
    /// <see cref="TextFeaturizer.Featurize(ReadOnlySpan{char}, Span{int})"/> gives), written to
    /// <paramref name="probabilities"/> (at least one per label) without allocating. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="probabilities"/> is shorter than the labels.</exception>
    public void Predict(ReadOnlySpan<int> ids, float weight, Span<float> probabilities)
    {
        if (probabilities.Length < Labels.Count)
        {
            throw new ArgumentException($"Needs room for {Labels.Count} probabilities.", nameof(probabilities));
        }

        Probabilities(ids, default, weight, probabilities[..Labels.Count]);
    }

    /// <summary>
    /// Featurizes and predicts one text without allocating (ASCII text; see
    /// <see cref="TextFeaturizer.Featurize(ReadOnlySpan{char}, Span{int})"/>): the same probabilities as
    /// <see cref="Predict(string)"/>, written to <paramref name="probabilities"/> (at least one per label). Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="probabilities"/> is shorter than the labels.</exception>
    public FeatureSummary Classify(ReadOnlySpan<char> text, Span<float> probabilities)
    {
        var ids = t_ids is { } buffer && buffer.Length >= Settings.MaxFeatures ? buffer : t_ids = new int[Settings.MaxFeatures];
        if (_difference is not null)
        {
            // Two passes measured faster than summing while hashing (the row loads stall the hashing), and the rows
            // prefetched while hashing faster than neither: the sum afterwards finds them in cache.
            var prefetch = new RowPrefetch(_differenceRows);
            var hinted = Featurizer.Featurize(text, ids, ref prefetch);
            Predict(ids.AsSpan(0, hinted.Count), hinted.Weight, probabilities);
            return hinted;
        }

        var summary = Featurizer.Featurize(text, ids);
        Predict(ids.AsSpan(0, summary.Count), summary.Weight, probabilities);
        return summary;
    }

    private void Probabilities(ReadOnlySpan<int> ids, ReadOnlySpan<float> weights, float weight, Span<float> p)
    {
        if (_difference is not null)
        {
            double sum = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                sum += (double)_difference[ids[i]] * (weights.IsEmpty ? weight : weights[i]);
            }

            TwoLabelSoftmax(sum, p);
            return;
        }

        Logits(ids, weights, weight, p);
        Activate(p, p);
    }

    // Softmax over two logits is the logistic function of their difference.
    private void TwoLabelSoftmax(double difference, Span<float> p)
    {
        double d = difference + ((double)_bias[1] - _bias[0]);
        p[1] = (float)(1.0 / (1.0 + Math.Exp(-d)));
        p[0] = (float)(1.0 / (1.0 + Math.Exp(d)));
    }

    /// <summary>Probabilities per label for already featurized text.</summary>
    public float[] Predict(TextFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var p = new float[Labels.Count];
        Probabilities(features.Ids, features.Weights, 0f, p);
        if (Neighbours is not null && NeighbourVotes.EmbeddingOf(features, Settings) is { } embedding)
        {
            Neighbours.Blend(embedding, p);
        }

        return p;
    }

    /// <summary>Featurizes and predicts.</summary>
    public float[] Predict(string text) => Predict(Featurizer.Featurize(text));

    /// <summary>
    /// The n-grams that moved <paramref name="label"/>'s score most: contribution = table weight × feature value,
    /// largest absolute value first. <paramref name="features"/> must carry terms (featurized with terms).
    /// </summary>
    public IReadOnlyList<TermContribution> Explain(TextFeatures features, int label, int top)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, Labels.Count);
        if (features.Terms is null)
        {
            throw new ArgumentException("Featurize with terms to explain.", nameof(features));
        }

        var contributions = new List<TermContribution>(features.Count);
        float embedding = 0f;
        bool embedded = false;
        for (int i = 0; i < features.Count; i++)
        {
            float contribution = Weight(features.Ids[i], label) * features.Weights[i];
            if (features.Ids[i] >= Settings.Buckets)
            {
                // One dimension of a sentence embedding means nothing to a reader: the embedding is one entry.
                embedding += contribution;
                embedded = true;
            }
            else
            {
                contributions.Add(new TermContribution(features.Terms[i], contribution));
            }
        }

        if (embedded)
        {
            contributions.Add(new TermContribution(TextFeatures.EmbeddingTerm, embedding));
        }

        return [.. contributions.OrderByDescending(c => Math.Abs(c.Contribution)).ThenBy(c => c.Term, StringComparer.Ordinal).Take(top)];
    }

    /// <summary>Applies the model's activation to logits.</summary>
    public float[] Activate(float[] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var p = new float[logits.Length];
        Activate(logits, p);
        return p;
    }

    // In double, as the trainer computes it; p may be logits itself (each logit is read before its slot is written).
    private void Activate(ReadOnlySpan<float> logits, Span<float> p)
    {
        if (Activation == TextModelActivation.Sigmoid)
        {
            for (int j = 0; j < logits.Length; j++)
            {
                p[j] = (float)(1.0 / (1.0 + Math.Exp(-logits[j])));
            }

            return;
        }

        double max = TensorPrimitives.Max(logits);
        double sum = 0;
        for (int j = 0; j < logits.Length; j++)
        {
            sum += Math.Exp(logits[j] - max);
        }

        for (int j = 0; j < logits.Length; j++)
        {
            p[j] = (float)(Math.Exp(logits[j] - max) / sum);
        }
    }

    /// <summary>
    /// Writes the model as ONNX: Gather(table, ids) · weights → ReduceSum over the length axis → + bias → activation,
    /// then the neighbour-vote blend when the model has one (<see cref="NeighbourVotes.AddTo"/>).
    /// Featurizer settings, labels and activation go into <c>metadata_props</c>.
    /// </summary>
    public byte[] ToOnnx(string graphName, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        int k = Labels.Count;
        var builder = new OnnxGraphBuilder(graphName);
        builder.AddInput(IdsInput, OnnxElementType.Int64, -1, -1);
        builder.AddInput(WeightsInput, OnnxElementType.Float, -1, -1);
        string probabilities = Neighbours is null ? ProbabilitiesOutput : "linear_probabilities";
        string table = builder.AddInitializer("table", OnnxTensor.FromFloats(_table, Settings.FeatureSpace, k));
        string gathered = builder.AddNode("Gather", [table, IdsInput], OnnxAttribute.Int("axis", 0));
        string weights3 = builder.AddNode("Unsqueeze", [WeightsInput, builder.AddInitializer("axis_2", OnnxTensor.FromInt64s([2], 1))]);
        string weighted = builder.AddNode("Mul", [gathered, weights3]);
        string sum = builder.AddNode("ReduceSum", [weighted, builder.AddInitializer("axis_1", OnnxTensor.FromInt64s([1], 1))], OnnxAttribute.Int("keepdims", 0));
        string logits = builder.AddNode("Add", [sum, builder.AddInitializer("bias", OnnxTensor.FromFloats(_bias, k))], ["logits"]);
        if (Activation == TextModelActivation.Softmax)
        {
            builder.AddNode("Softmax", [logits], [probabilities], OnnxAttribute.Int("axis", -1));
        }
        else
        {
            builder.AddNode("Sigmoid", [logits], [probabilities]);
        }

        Neighbours?.AddTo(builder, Settings, IdsInput, WeightsInput, probabilities, ProbabilitiesOutput);

        builder.AddOutput(ProbabilitiesOutput, OnnxElementType.Float, -1, k);
        builder.AddMetadata(TextFeaturizerSettings.MetadataKey, Settings.ToJson());
        // The registry refuses ids outside the table before Run (Gather would fail, or index from the end).
        builder.AddMetadata(Onnx.OnnxModelLoader.InputRangePrefix + IdsInput, $"0,{Settings.FeatureSpace - 1}");
        builder.AddMetadata(TextModelMetadata.Labels, TextJson.Serialize(Labels.ToArray()));
        builder.AddMetadata(TextModelMetadata.Activation, Activation.ToString().ToLowerInvariant());
        foreach (var (key, value) in extraMetadata ?? new Dictionary<string, string>())
        {
            builder.AddMetadata(key, value);
        }

        return builder.ToBytes();
    }
}

/// <summary>One n-gram's share of a label's score.</summary>
/// <param name="Term">The n-gram (word n-grams as written, negated words as <c>NEG_word</c>, character n-grams as <c>c:…</c>).</param>
/// <param name="Contribution">Table weight × feature value for the label (logit units).</param>
public sealed record TermContribution(string Term, float Contribution);

/// <summary>ONNX <c>metadata_props</c> keys written by <see cref="LinearTextModel.ToOnnx"/>.</summary>
public static class TextModelMetadata
{
    /// <summary>JSON array of labels in output order.</summary>
    public const string Labels = "maas.labels";

    /// <summary><c>softmax</c> or <c>sigmoid</c>.</summary>
    public const string Activation = "maas.activation";

    /// <summary>Per-label decision thresholds (JSON array), for multi-label models.</summary>
    public const string Thresholds = "maas.thresholds";

    /// <summary>Each label's group (JSON array): decisions keep to the most probable label's group.</summary>
    public const string LabelGroups = "maas.label_groups";
}
