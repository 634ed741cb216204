namespace MaaS.Services.Recommendations.Serving;

/// <summary>The API's names of <see cref="RecommendationStrategy"/>: cf, content, hybrid (absent = hybrid).</summary>
internal static class Strategies
{
    public const string Problem = "must be cf, content or hybrid";

    public static bool TryParse(string? text, out RecommendationStrategy strategy)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "hybrid":
                strategy = RecommendationStrategy.Hybrid;
                return true;
            case "cf":
                strategy = RecommendationStrategy.CollaborativeFiltering;
                return true;
            case "content":
                strategy = RecommendationStrategy.Content;
                return true;
            default:
                strategy = default;
                return false;
        }
    }
}
