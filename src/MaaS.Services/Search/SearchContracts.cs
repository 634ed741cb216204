namespace MaaS.Services.Search;

/// <summary>A catalogue search (<c>POST /v1/search</c>), validated once against <see cref="SearchLimits"/>.</summary>
/// <param name="Query">What to look for, 1..1,000 characters: words ("robot space"), or a description ("something
/// like Interstellar but funnier"). Required unless <c>vector</c> is given in semantic mode.</param>
/// <param name="Mode">lexical (BM25 over title, text, genres and tags), semantic (cosine of sentence embeddings) or
/// hybrid (the default: both, fused by reciprocal rank). Anything else is a 400.</param>
/// <param name="Count">Results wanted, 1..100; default 10.</param>
/// <param name="Filters">The same restrictions as recommend's: kind, genres, excludeIds, availableNow.</param>
/// <param name="Explain">When true each result says why it matched: the query terms it holds and its BM25 score, its
/// cosine similarity, and its rank in each list.</param>
/// <param name="Include">Extra data per result: <c>metadata</c> adds the catalogue entry.</param>
/// <param name="Vector">Search by an embedding you already have instead of embedding <c>query</c>: the served embedding
/// model's dimensions (384 for all-minilm-l6-v2; <c>embeddingModel</c> of the answer names the model and version whose
/// space the items are in), finite values, not all zero; it is L2-normalised before use, as the model's own output is
/// (an embedding from <c>POST /v1/embeddings</c> can be reused as it is). Semantic mode ranks by it; hybrid mode uses it
/// for the semantic list and <c>query</c> for the BM25 one (both required); lexical mode refuses it. At most 4,096 values.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SearchRequest(
    [property: MaxLength(SearchLimits.MaxQueryLength)] string? Query,
    string? Mode,
    [property: Range(1, SearchLimits.MaxCount)] int? Count,
    RecommendFilters? Filters,
    bool Explain,
    IReadOnlyList<string>? Include,
    [property: MaxLength(SearchLimits.MaxVectorLength)] IReadOnlyList<float>? Vector = null);

/// <summary>Search results, best first.</summary>
/// <param name="Items">The results.</param>
/// <param name="Mode">The mode that ranked them: hybrid falls back to lexical while no embedding model is served.</param>
/// <param name="EmbeddingModel">The embedding model and version that scored the semantic part (null for lexical).</param>
/// <param name="Pending">Catalogue items whose embeddings are still being computed (found lexically only until then).</param>
public sealed record SearchResponse(IReadOnlyList<SearchHitResponse> Items, string Mode, string? EmbeddingModel, int Pending);

/// <summary>One search result.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Score">BM25 (lexical), cosine (semantic) or fused reciprocal-rank score (hybrid); comparable within one response.</param>
/// <param name="Explanation">Why it matched, when <c>explain</c> was asked for.</param>
/// <param name="Metadata">The catalogue entry, when <c>include</c> has <c>metadata</c>.</param>
public sealed record SearchHitResponse(string ItemId, float Score, SearchExplanation? Explanation, ItemResponse? Metadata);

/// <summary>Why an item matched.</summary>
/// <param name="Terms">Query terms the item holds (lexical), in query order.</param>
/// <param name="Bm25">Its BM25 score, when it matched lexically.</param>
/// <param name="Similarity">Cosine of its embedding to the query's, when scored semantically.</param>
/// <param name="LexicalRank">1-based rank in the lexical list, if in it.</param>
/// <param name="SemanticRank">1-based rank in the semantic list, if in it.</param>
public sealed record SearchExplanation(IReadOnlyList<string> Terms, float? Bm25, float? Similarity, int? LexicalRank, int? SemanticRank);
