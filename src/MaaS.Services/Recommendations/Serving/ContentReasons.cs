namespace MaaS.Services.Recommendations.Serving;

/// <summary>Reasons of content-sourced results, named after the history item that contributed most.</summary>
internal static class ContentReasons
{
    /// <summary><c>same-genres</c> ("Same genres as X") when the result shares a genre with X, else
    /// <c>similar-content</c> ("Similar to X": tags, kind or words).</summary>
    public static RecommendationReason Of(CatalogueSnapshot catalogue, string itemId, List<ReasonItem> items)
    {
        if (items.Count == 0)
        {
            return new RecommendationReason("similar-content", "Similar to your history", []);
        }

        string name = items[0].Title ?? items[0].ItemId;
        var result = catalogue.Find(itemId);
        var anchor = catalogue.Find(items[0].ItemId);
        bool sharesGenre = result is not null && anchor is not null
            && result.Genres.Any(g => anchor.Genres.Contains(g, StringComparer.OrdinalIgnoreCase));
        return sharesGenre
            ? new RecommendationReason("same-genres", $"Same genres as {name}", items)
            : new RecommendationReason("similar-content", $"Similar to {name}", items);
    }
}
