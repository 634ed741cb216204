namespace MaaS.Models.Text.Featurization;

/// <summary>
/// The features of one text: distinct ids in <c>[0, Buckets)</c> in extraction order (word n-grams by order, then
/// character n-grams) with their weights. Treat the arrays as read-only.
/// </summary>
/// <param name="Ids">Distinct feature ids, each in <c>[0, Buckets)</c>.</param>
/// <param name="Weights">Weight of each id (same length as <paramref name="Ids"/>).</param>
/// <param name="Terms">The n-gram behind each id when asked for (explanations); otherwise null.</param>
/// <param name="TokenCount">Tokens kept after the token limit.</param>
/// <param name="Truncated">True when tokens or features past the limits were dropped.</param>
/// <param name="WordFeatureCount">How many leading ids are word n-grams (the rest are character n-grams).</param>
public sealed record TextFeatures(int[] Ids, float[] Weights, string[]? Terms, int TokenCount, bool Truncated, int WordFeatureCount)
{
    /// <summary>Number of features.</summary>
    public int Count => Ids.Length;
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
