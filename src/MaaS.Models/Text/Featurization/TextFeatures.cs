namespace MaaS.Models.Text.Featurization;

/// <summary>
/// The features of one text: distinct ids in <c>[0, Buckets)</c> in extraction order (word n-grams by order, then
/// character n-grams) with their weights, and, for a model with an embedding, its components after them. Treat the arrays as read-only.
/// </summary>
/// <param name="Ids">Distinct feature ids, each in <c>[0, Buckets)</c>.</param>
/// <param name="Weights">Weight of each id (same length as <paramref name="Ids"/>).</param>
/// <param name="Terms">The n-gram behind each id when asked for (explanations); otherwise null.</param>
/// <param name="TokenCount">Tokens kept after the token limit.</param>
/// <param name="Truncated">True when tokens or features past the limits were dropped.</param>
/// <param name="WordFeatureCount">How many leading ids are word n-grams (the rest are character n-grams).</param>
public sealed record TextFeatures(int[] Ids, float[] Weights, string[]? Terms, int TokenCount, bool Truncated, int WordFeatureCount)
{
    /// <summary>The term an appended embedding component carries (explanations sum them into one entry).</summary>
    public const string EmbeddingTerm = "[embedding]";

    /// <summary>Number of features.</summary>
    public int Count => Ids.Length;

    /// <summary>These features followed by the text's embedding: component d as id <c>Buckets + d</c>, weight
    /// <c>EmbeddingScale · x_d</c> (see <see cref="TextFeaturizerSettings.EmbeddingModel"/>).</summary>
    public TextFeatures WithEmbedding(ReadOnlySpan<float> embedding, TextFeaturizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (embedding.Length != settings.EmbeddingDimensions)
        {
            throw new ArgumentException($"Expected {settings.EmbeddingDimensions} dimensions, got {embedding.Length}.", nameof(embedding));
        }

        var ids = new int[Ids.Length + embedding.Length];
        var weights = new float[ids.Length];
        Ids.CopyTo(ids, 0);
        Weights.CopyTo(weights, 0);
        for (int d = 0; d < embedding.Length; d++)
        {
            ids[Ids.Length + d] = settings.Buckets + d;
            weights[Ids.Length + d] = (settings.EmbeddingScale ?? 1f) * embedding[d];
        }

        string[]? terms = Terms is null ? null : [.. Terms, .. Enumerable.Repeat(EmbeddingTerm, embedding.Length)];
        return this with { Ids = ids, Weights = weights, Terms = terms };
    }
}

/// <summary>
/// A padded batch ready for the ONNX inputs <c>ids</c> INT64 [BatchSize, Length] and <c>weights</c> FP32
/// [BatchSize, Length], row-major; padding is id 0 with weight 0, which adds nothing to any sum.
/// </summary>
/// <param name="Ids">Row-major ids.</param>
/// <param name="Weights">Row-major weights.</param>
/// <param name="BatchSize">Rows.</param>
/// <param name="Length">Padded row length, one of the settings' bucket lengths.</param>
public sealed record FeatureBatch(long[] Ids, float[] Weights, int BatchSize, int Length);
