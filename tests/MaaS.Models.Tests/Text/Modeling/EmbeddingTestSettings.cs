namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>The small featurizer the embedding tests share: 1,024 buckets, word bigrams, an 'encoder' v1 embedding.</summary>
internal static class EmbeddingTestSettings
{
    public static TextFeaturizerSettings With(int dimensions, float scale) => new()
    {
        Buckets = 1 << 10,
        WordNgrams = 2,
        BucketLengths = [8, 32, 128, 512],
        EmbeddingModel = "encoder",
        EmbeddingVersion = 1,
        EmbeddingDimensions = dimensions,
        EmbeddingScale = scale,
    };
}
