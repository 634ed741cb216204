namespace MaaS.Services.Search;

/// <summary>Catalogue search settings (section <c>Search</c>).</summary>
internal sealed class SearchOptions
{
    public const string SectionName = "Search";

    /// <summary>The sentence-embedding model of the registry that embeds items and queries.</summary>
    public string EmbeddingModel { get; set; } = "all-minilm-l6-v2";

    /// <summary>Items embedded per call: large enough for the batcher's length groups, small enough to let queries in between.</summary>
    public int EmbeddingBatch { get; set; } = 64;

    /// <summary>How often loaded tenants are checked for items to embed, in seconds.</summary>
    public double EmbeddingPollSeconds { get; set; } = 0.5;
}
