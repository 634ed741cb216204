namespace MaaS.Services.Search;

/// <summary>The bounds of <c>POST /v1/search</c>, shown by the OpenAPI document too.</summary>
public static class SearchLimits
{
    /// <summary>Most characters of a query: a search box, not a document (the encoder reads 256 tokens at most anyway).</summary>
    public const int MaxQueryLength = 1_000;

    /// <summary>Most values of a search's <c>vector</c>: far above any served embedding's dimensions, so a huge array is refused before any work.</summary>
    public const int MaxVectorLength = 4_096;

    public const int DefaultCount = 10;

    public const int MaxCount = 100;

    /// <summary>Candidates each list contributes to hybrid fusion: deeper than a page, so an item ranked fairly in both lists surfaces.</summary>
    public const int FusionDepth = 200;
}
