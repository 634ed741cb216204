namespace MaaS.Recommendations.Hybrid;

/// <summary>Which evidence ranks the results.</summary>
public enum RecommendationStrategy
{
    /// <summary>Collaborative and content scores blended per item by <see cref="HybridOptions"/> (the default).</summary>
    Hybrid = 0,

    /// <summary>Item-item collaborative filtering only (people who played X also played this).</summary>
    CollaborativeFiltering = 1,

    /// <summary>Content similarity only (genres, tags, kind, text).</summary>
    Content = 2,
}
