namespace MaaS.Agents.Learning.Networks;

/// <summary>How an <see cref="MlpClassifier"/> is trained.</summary>
/// <param name="Hidden">Width of the one hidden ReLU layer.</param>
/// <param name="Epochs">Passes over the training rows, each in a freshly shuffled order.</param>
/// <param name="LearningRate">Plain SGD step on the cross-entropy loss, one row at a time.</param>
/// <param name="Seed">Seed of the initial weights and the shuffles.</param>
public sealed record MlpSettings(int Hidden = 16, int Epochs = 30, double LearningRate = 0.05, int Seed = 1);

/// <summary>
/// A one-hidden-layer perceptron, input → Gemm → ReLU → Gemm → softmax, trained by plain SGD on the cross-entropy of
/// the labels. Weights are float and row-major [fan-in, fan-out], as ONNX's Gemm takes them; the forward pass sums in
/// float in input order, as a reference for the exported graph. Not thread-safe while training; immutable after.
/// </summary>
public sealed class MlpClassifier
{
    private MlpClassifier(int features, int hidden, int classes, float[] w1, float[] b1, float[] w2, float[] b2)
    {
        (Features, Hidden, Classes, W1, B1, W2, B2) = (features, hidden, classes, w1, b1, w2, b2);
    }

    /// <summary>Input width.</summary>
    public int Features { get; }

    /// <summary>Hidden width.</summary>
    public int Hidden { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>First layer weights [Features, Hidden].</summary>
    public float[] W1 { get; }

    /// <summary>First layer bias [Hidden].</summary>
    public float[] B1 { get; }

    /// <summary>Output layer weights [Hidden, Classes].</summary>
    public float[] W2 { get; }

    /// <summary>Output layer bias [Classes].</summary>
    public float[] B2 { get; }

    /// <summary>Trains on <paramref name="rows"/> (row-major, <paramref name="features"/> per row) and their labels.</summary>
    public static MlpClassifier Fit(ReadOnlySpan<float> rows, ReadOnlySpan<int> labels, int features, int classes, MlpSettings? settings = null)
    {
        settings ??= new MlpSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Hidden, 1, nameof(settings));
        if (labels.Length == 0 || rows.Length != labels.Length * features)
        {
            throw new ArgumentException($"Expected {labels.Length} rows of {features} features, got {rows.Length} values.", nameof(rows));
        }
        var random = new Random(settings.Seed);
        // He initialisation for the ReLU layer, Glorot-sized for the output layer.
        float[] Init(int fanIn, int fanOut, double scale) =>
            [.. Enumerable.Range(0, fanIn * fanOut).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale))];
        var model = new MlpClassifier(
            features, settings.Hidden, classes,
            Init(features, settings.Hidden, Math.Sqrt(6.0 / features)), new float[settings.Hidden],
            Init(settings.Hidden, classes, Math.Sqrt(6.0 / (settings.Hidden + classes))), new float[classes]);
        int n = labels.Length;
        int[] order = [.. Enumerable.Range(0, n)];
        var hidden = new float[settings.Hidden];
        var probabilities = new float[classes];
        var delta = new float[settings.Hidden];
        float rate = (float)settings.LearningRate;
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (int i in order)
            {
                ReadOnlySpan<float> x = rows.Slice(i * features, features);
                model.Forward(x, hidden, probabilities);
                // d loss / d logits of softmax + cross-entropy: p − onehot(y).
                probabilities[labels[i]] -= 1;
                for (int h = 0; h < settings.Hidden; h++)
                {
                    Span<float> w2Row = model.W2.AsSpan(h * classes, classes);
                    delta[h] = hidden[h] > 0 ? TensorPrimitives.Dot(w2Row, probabilities) : 0;
                    TensorPrimitives.MultiplyAdd(probabilities, -rate * hidden[h], w2Row, w2Row);
                }
                TensorPrimitives.MultiplyAdd(probabilities, -rate, model.B2, model.B2);
                for (int f = 0; f < features; f++)
                {
                    Span<float> w1Row = model.W1.AsSpan(f * settings.Hidden, settings.Hidden);
                    TensorPrimitives.MultiplyAdd(delta, -rate * x[f], w1Row, w1Row);
                }
                TensorPrimitives.MultiplyAdd(delta, -rate, model.B1, model.B1);
            }
        }
        return model;
    }

    /// <summary>The class probabilities of one row.</summary>
    public float[] Scores(ReadOnlySpan<float> row)
    {
        var probabilities = new float[Classes];
        Forward(row, new float[Hidden], probabilities);
        return probabilities;
    }

    /// <summary>The most probable class (the lowest label among ties).</summary>
    public int Predict(ReadOnlySpan<float> row) => TensorPrimitives.IndexOfMax(Scores(row));

    private void Forward(ReadOnlySpan<float> x, Span<float> hidden, Span<float> probabilities)
    {
        if (x.Length != Features)
        {
            throw new ArgumentException($"Expected {Features} features, got {x.Length}.", nameof(x));
        }
        B1.CopyTo(hidden);
        for (int f = 0; f < Features; f++)
        {
            TensorPrimitives.MultiplyAdd(W1.AsSpan(f * Hidden, Hidden), x[f], hidden, hidden);
        }
        TensorPrimitives.Max(hidden, 0f, hidden);
        Span<float> logits = stackalloc float[Classes];
        B2.CopyTo(logits);
        for (int h = 0; h < Hidden; h++)
        {
            TensorPrimitives.MultiplyAdd(W2.AsSpan(h * Classes, Classes), hidden[h], logits, logits);
        }
        // Shifted by the largest logit, as ONNX's Softmax computes it: exp cannot overflow. SoftMax must not run in place.
        TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), logits);
        TensorPrimitives.SoftMax(logits, probabilities);
    }
}
