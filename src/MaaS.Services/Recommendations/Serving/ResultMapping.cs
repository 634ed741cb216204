using MaaS.Recommendations.Ranking;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>Ranked items as the API answers them: source names, reasons for people, catalogue metadata.</summary>
internal static class ResultMapping
{
    /// <param name="page">The ranked page.</param>
    /// <param name="catalogue">Titles and metadata.</param>
    /// <param name="explain">Whether to give reasons.</param>
    /// <param name="metadata">Whether to add catalogue entries.</param>
    /// <param name="debias">The re-ranking applied, named in the reason of each item it moved.</param>
    public static List<RecommendedItemResponse> ToResponses(IReadOnlyList<RankedItem> page, CatalogueSnapshot catalogue, bool explain, bool metadata, DebiasSetting? debias = null)
    {
        var output = new List<RecommendedItemResponse>(page.Count);
        for (int position = 0; position < page.Count; position++)
        {
            var item = page[position];
            var response = ToResponse(item, catalogue, explain, metadata);
            if (response.Reason is { } reason && debias is { Active: true } && item.RankBefore > 0)
            {
                string direction = item.RankBefore > position + 1 ? "up" : "down";
                response = response with
                {
                    Reason = reason with
                    {
                        Reranked = $"Moved {direction} from {item.RankBefore} to {position + 1} by the {DebiasMethods.Name(debias.Method)} re-ranking (strength "
                            + debias.Strength.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + ")",
                    },
                };
            }

            output.Add(response);
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
                RankedSource.New => new RecommendationReason("new", "New release", []),
                _ => new RecommendationReason("popular", "Popular right now", []),
            };
        }

        var meta = metadata && catalogue.Find(item.ItemId) is { } catalogued ? CatalogueMapping.ToResponse(catalogued) : null;
        string source = item.Source switch
        {
            RankedSource.Neighbours => "neighbours",
            RankedSource.Content => "content",
            RankedSource.Trending => "trending",
            RankedSource.New => "new",
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
