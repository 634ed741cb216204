namespace MaaS.Services.Search;

/// <summary>Catalogue search settings (section <c>Search</c>).</summary>
internal sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>The sentence-embedding model of the registry that embeds items and queries.</summary>
    public string EmbeddingModel { get; set; } = Models.Embeddings.EmbeddingService.DefaultModel;

    /// <summary>Items embedded per call: large enough for the batcher's length groups, small enough to let queries in between.</summary>
    public int EmbeddingBatch { get; set; } = 64;

    /// <summary>How often loaded tenants are checked for items to embed, in seconds.</summary>
    public double EmbeddingPollSeconds { get; set; } = 0.5;

    /// <summary>Whether the item embeddings also join the content index (similar items, content and hybrid
    /// recommendation, cold start; <see cref="MaaS.Recommendations.Content.ContentOptions.EmbeddingWeight"/>).</summary>
    public bool ContentEmbeddings { get; set; } = true;

    /// <summary>Largest catalogue whose content index takes embeddings: a full build with them (first load, every CF
    /// build) costs items² · 384 multiply-adds, 3.8 · 10^10 at 10,000 items (the 8,807 Netflix titles took about 20 s
    /// on a loaded 2-core box), where TF-IDF alone stays sparse.</summary>
    public int ContentEmbeddingMaxItems { get; set; } = 10_000;

    /// <summary>Bytes of search query embeddings kept for repeated queries (<see cref="QueryEmbeddings"/>: about 1.8 KB
    /// per query at 384 dimensions); 0 embeds every query.</summary>
    public long QueryCacheBytes { get; set; } = 16L << 20;
}
