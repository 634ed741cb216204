namespace MaaS.Recommendations.Content;

/// <summary>Parameters of the content similarity build.</summary>
/// <param name="TopK">Neighbours kept per item.</param>
/// <param name="MaxPostingLength">A feature carried by more items than this is left out of full builds (a stop word:
/// it would cost items² work and, with its low IDF, say little).</param>
/// <param name="MaxDegreeOfParallelism">Threads for a full build; -1 uses all cores.</param>
/// <param name="EmbeddingWeight">λ in [0, 1]: the similarity of two items that both have an embedding (of the same
/// length) is (1 − λ) · TF-IDF cosine + λ · max(0, embedding cosine); a pair where either lacks one keeps its TF-IDF
/// cosine. 0 ignores embeddings; 1 uses them alone where both have one. See <see cref="DefaultEmbeddingWeight"/> for how the default was chosen.</param>
public sealed record ContentOptions(int TopK = 100, int MaxPostingLength = 20_000, int MaxDegreeOfParallelism = -1, float EmbeddingWeight = ContentOptions.DefaultEmbeddingWeight)
{
    /// <summary>
    /// The λ chosen by measurement (<c>maas evaluate --protocol content-similarity</c>, docs/recommendations.md): on the
    /// Netflix titles' test split, genre precision@10 of "more like this" over title + description.
    /// </summary>
    public const float DefaultEmbeddingWeight = 0.8f;

    /// <summary>The defaults (100 neighbours).</summary>
    public static ContentOptions Default { get; } = new();
}
