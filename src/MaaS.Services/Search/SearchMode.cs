namespace MaaS.Services.Search;

/// <summary>How a query is ranked.</summary>
public enum SearchMode
{
    /// <summary>BM25 over title, text, genres and tags.</summary>
    Lexical,

    /// <summary>Cosine of sentence embeddings.</summary>
    Semantic,

    /// <summary>Both lists fused by reciprocal rank.</summary>
    Hybrid,
}
