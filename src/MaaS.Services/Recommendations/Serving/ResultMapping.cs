using MaaS.Recommendations.Ranking;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>Ranked items as the API answers them: source names, reasons for people, catalogue metadata.</summary>
internal static class ResultMapping
{
    public static List<RecommendedItemResponse> ToResponses(IReadOnlyList<RankedItem> page, CatalogueSnapshot catalogue, bool explain, bool metadata)
    {
        var output = new List<RecommendedItemResponse>(page.Count);
        foreach (var item in page)
        {
            output.Add(ToResponse(item, catalogue, explain, metadata));
        }

        return output;
    }

    /// <summary>Similar items (never explained): engine results keep their source, a popularity stand-in is "popular".</summary>
    public static List<RecommendedItemResponse> ToResponses(IReadOnlyList<RecommendedItem> items, CatalogueSnapshot catalogue, bool metadata)
    {
        var output = new List<RecommendedItemResponse>(items.Count);
        foreach (var item in items)
        {
            var source = item.Source switch
            {
                RecommendationSource.Neighbours => RankedSource.Neighbours,
                RecommendationSource.Content => RankedSource.Content,
                _ => RankedSource.Popular,
            };
            output.Add(ToResponse(new RankedItem(item.ItemId, item.Score, source, []), catalogue, explain: false, metadata));
        }

        return output;
    }

    private static RecommendedItemResponse ToResponse(RankedItem item, CatalogueSnapshot catalogue, bool explain, bool metadata)
    {
        RecommendationReason? reason = null;
        if (explain)
        {
            reason = item.Source switch
            {
                RankedSource.Neighbours => Because(catalogue, item.Because),
                RankedSource.Content => ContentReasons.Of(catalogue, item.ItemId, ReasonItems(catalogue, item.Because)),
                RankedSource.Trending => new RecommendationReason("trending", "New and trending", []),
                _ => new RecommendationReason("popular", "Popular right now", []),
            };
        }

        var meta = metadata && catalogue.Find(item.ItemId) is { } catalogued ? CatalogueMapping.ToResponse(catalogued) : null;
        string source = item.Source switch
        {
            RankedSource.Neighbours => "neighbours",
            RankedSource.Content => "content",
            RankedSource.Trending => "trending",
            _ => "popular",
        };
        return new RecommendedItemResponse(item.ItemId, item.Score, source, reason, meta);
    }

    private static List<ReasonItem> ReasonItems(CatalogueSnapshot catalogue, IReadOnlyList<Contribution> contributions)
    {
        var items = new List<ReasonItem>(contributions.Count);
        foreach (var c in contributions)
        {
            // Exclusions ride in the history with weight 0; they explain nothing.
            if (c.Value > 0f)
            {
                items.Add(new ReasonItem(c.ItemId, catalogue.Find(c.ItemId)?.Title, c.Value));
            }
        }

        return items;
    }

    private static RecommendationReason Because(CatalogueSnapshot catalogue, IReadOnlyList<Contribution> contributions)
    {
        var items = ReasonItems(catalogue, contributions);
        if (items.Count == 0)
        {
            return new RecommendationReason("similar", "Similar to your history", []);
        }

        var (type, verb) = CatalogueMapping.Because(catalogue.Find(items[0].ItemId)?.Kind);
        return new RecommendationReason(type, $"Because you {verb} {items[0].Title ?? items[0].ItemId}", items);
    }
}
