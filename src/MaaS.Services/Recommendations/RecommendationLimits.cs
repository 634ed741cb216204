namespace MaaS.Services.Recommendations;

/// <summary>
/// The user-facing bounds of the recommendation API, in one place: the service validates requests against them (once,
/// listing every broken rule), the contracts carry them as <c>Range</c> / <c>MaxLength</c> attributes, so the OpenAPI
/// document shows the same numbers, and the engine below keeps only defensive argument checks.
/// </summary>
public static class RecommendationLimits
{
    /// <summary>Results per call of recommend and similar items when no count is given.</summary>
    public const int DefaultCount = 10;

    /// <summary>Most results per call of recommend and similar items.</summary>
    public const int MaxCount = 100;

    /// <summary>Most rows of one page (<c>POST /v1/recommend/rows</c>).</summary>
    public const int MaxRows = 20;

    /// <summary>Most items of one page of rows, all rows together: 5 carousels of 100, the most a home page shows.</summary>
    public const int MaxPageItems = 500;

    /// <summary>Most because rows one row request expands to.</summary>
    public const int MaxAnchors = 10;

    /// <summary>Most characters of a row's id.</summary>
    public const int MaxRowIdLength = 64;

    /// <summary>Most ids in a request's <c>items</c>, <c>filters.excludeIds</c> or <c>filters.genres</c>.</summary>
    public const int MaxListLength = 1_000;

    /// <summary>Most characters of a user, session or item id (the store's limit).</summary>
    public const int MaxIdLength = StorageLimits.MaxIdLength;

    /// <summary>Bounds of the MMR λ (<c>diversity</c>): 0 trades all relevance for variety, 1 ranks by relevance only.</summary>
    public const double MinDiversity = 0, MaxDiversity = 1;

    /// <summary>Bounds of the debias strength λ: 0 ranks by relevance only, 1 by unpopularity only.</summary>
    public const double MinDebiasStrength = 0, MaxDebiasStrength = 1;

    /// <summary>Debias strength when a request names a method but no strength: the setting of the ml-100k trade-off
    /// (docs/recommendations.md) that doubles catalogue coverage for under 2% of nDCG@10.</summary>
    public const float DefaultDebiasStrength = 0.5f;

    /// <summary>Most users of one beyond-accuracy report (each is one recommend).</summary>
    public const int MaxReportUsers = 500;

    /// <summary>Bounds and default of the user analysis's trend window, in days.</summary>
    public const int MinTrendDays = 1, MaxTrendDays = 365, DefaultTrendDays = 14;
}
