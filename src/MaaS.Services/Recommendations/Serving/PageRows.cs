using MaaS.Recommendations.Ranking;
using StoreKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Services.Recommendations.Serving;

/// <summary>What a page of rows is ranked from: one tenant's state, read once for the whole page.</summary>
/// <param name="Engine">The tenant's recommender; null when no CF index is built yet (forYou then offers trending items
/// only, because and popular rows are empty).</param>
/// <param name="Catalogue">The catalogue snapshot of the request.</param>
/// <param name="Stored">The user's or session's stored history, if any.</param>
/// <param name="NewItemEvents">Events per item in the trending window of the items the index does not know (<see cref="TenantState.NewItemEvents"/>), for forYou.</param>
/// <param name="RecentEvents">Events per item in the trending window, most first (<see cref="TenantState.RecentEvents"/>), for trending.</param>
/// <param name="Popularity">Events per item in the serving build, for forYou's debiasing.</param>
/// <param name="Debias">The tenant's debias setting, applied to a forYou or because row without its own as <c>/v1/recommend</c>
/// applies it.</param>
/// <param name="Today">The UTC day of availability windows and release ages.</param>
/// <param name="Withdrawn">Deleted items the serving index still holds.</param>
internal sealed record PageWorld(
    HybridRecommender? Engine, CatalogueSnapshot Catalogue, UserHistory? Stored, IEnumerable<KeyValuePair<string, int>> NewItemEvents,
    IEnumerable<KeyValuePair<string, int>> RecentEvents, IReadOnlyDictionary<string, int>? Popularity, DebiasSetting? Debias, DateOnly Today, string[] Withdrawn);

/// <summary>
/// Assembles a page of rows: each row in the order asked, ranked over what the rows above it left (an item appears in
/// at most one row) and never offering the history or its exclusions, exactly as <c>/v1/recommend</c> excludes them;
/// a row's own filters and <c>excludeIds</c> apply to that row alone. A row with no item is left out; a because row
/// request yields up to its anchors rows, one per recent history item whose neighbours leave something to show.
/// Stateless and thread-safe.
/// </summary>
internal static class PageRows
{
    /// <summary>Anchors tried per because row wanted, so a recent item whose neighbours are all taken is skipped, not
    /// every history item tried.</summary>
    private const int AnchorTries = 3;

    public static (List<RecommendationRow> Rows, int HistorySize) Assemble(ValidRows valid, PageWorld world)
    {
        var request = valid.Request;
        var placed = new List<string>();
        var rows = new List<RecommendationRow>(valid.Rows.Count);
        int historySize = 0;
        foreach (var row in valid.Rows)
        {
            string[] unavailable = row.AvailableNow ? world.Catalogue.UnavailableOn(world.Today) : [];
            if (world.Withdrawn.Length > 0)
            {
                unavailable = [.. unavailable, .. world.Withdrawn];
            }

            var history = History.Of(world.Stored, request.Items, [.. row.ExcludeIds ?? [], .. placed], unavailable);
            historySize = history.Scored;
            if (row.Kind == RowKind.Because)
            {
                AddBecause(rows, placed, valid, row, history, world);
                continue;
            }

            var items = row.Kind switch
            {
                RowKind.ForYou => ForYou(valid, row, history, world),
                RowKind.Trending => Trending(valid, row, history, world),
                RowKind.Popular => Popular(valid, row, history, world),
                _ => New(valid, row, history, world),
            };
            Add(rows, placed, new RecommendationRow(row.Id, row.KindText, Title(row), items));
        }

        return (rows, historySize);
    }

    private static void Add(List<RecommendationRow> rows, List<string> placed, RecommendationRow row)
    {
        if (row.Items.Count == 0)
        {
            return;
        }

        rows.Add(row);
        foreach (var item in row.Items)
        {
            placed.Add(item.ItemId);
        }
    }

    private static List<RecommendedItemResponse> ForYou(ValidRows valid, ValidRow row, History history, PageWorld world)
    {
        var debias = row.Debias ?? world.Debias;
        var query = new RankingQuery(history, row.Count, valid.Strategy, row.ItemKind, row.Genres, row.Diversity, valid.Request.Explain, debias);
        var page = Ranker.Rank(world.Engine, query, world.Catalogue, world.NewItemEvents, world.Popularity);
        return ResultMapping.ToResponses(page, world.Catalogue, valid.Request.Explain, valid.Metadata, debias);
    }

    /// <summary>Each anchor's neighbours as a history of that one item, through the engine's own ranking (CF, content or
    /// the blend by the request's strategy), so the reason names the anchor; diversified and debiased as a forYou row is
    /// (<see cref="Ranker.EngineItems"/>: the row's own setting, else the tenant's), a calibrated one to the anchor's genres.</summary>
    private static void AddBecause(List<RecommendationRow> rows, List<string> placed, ValidRows valid, ValidRow row, History history, PageWorld world)
    {
        if (world.Engine is not { } engine)
        {
            return;
        }

        var exclude = new List<string>(history.Ids.Count + history.Excluded.Count);
        exclude.AddRange(history.Ids);
        exclude.AddRange(history.Excluded);
        var filter = Filter(row);
        var debias = row.Debias ?? world.Debias;
        int made = 0, tried = 0;
        foreach (var (anchor, weight) in Anchors(valid.Request.Items, world.Stored))
        {
            if (made == row.Anchors || tried == row.Anchors * AnchorTries)
            {
                break;
            }

            if (weight <= 0f || !engine.Contains(anchor))
            {
                continue;
            }

            tried++;
            var ranked = Ranker.EngineItems(
                engine, new EngineQuery([anchor], null, exclude, row.Count, filter, row.Diversity, valid.Request.Explain, debias), valid.Strategy, world.Popularity,
                id => world.Catalogue.Find(id)?.Genres);
            var items = ResultMapping.ToResponses(ranked, world.Catalogue, valid.Request.Explain, valid.Metadata, debias);
            if (items.Count == 0)
            {
                continue;
            }

            made++;
            string id = row.Anchors == 1 ? row.Id : $"{row.Id}-{made}";
            var item = world.Catalogue.Find(anchor);
            string verb = CatalogueMapping.Because(item?.Kind).Verb;
            Add(rows, placed, new RecommendationRow(id, row.KindText, $"Because you {verb} {item?.Title ?? anchor}", items, anchor));
            exclude.AddRange(items.Select(i => i.ItemId));
        }
    }

    /// <summary>Recent items first: the request's own (most recent first), then the stored window (newest first), each once.</summary>
    private static IEnumerable<(string Id, float Weight)> Anchors(IReadOnlyList<string>? items, UserHistory? stored)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in items ?? [])
        {
            if (seen.Add(id))
            {
                yield return (id, 1f);
            }
        }

        for (int i = 0; stored is not null && i < stored.ItemIds.Length; i++)
        {
            if (seen.Add(stored.ItemIds[i]))
            {
                yield return (stored.ItemIds[i], stored.Weights[i]);
            }
        }
    }

    private static List<RecommendedItemResponse> Trending(ValidRows valid, ValidRow row, History history, PageWorld world)
    {
        // In rank order already: the first that pass are the row, however many items the window counted.
        var page = new List<RankedItem>(row.Count);
        foreach (var pair in world.RecentEvents)
        {
            if (page.Count == row.Count)
            {
                break;
            }

            if (!world.Catalogue.Deleted.Contains(pair.Key) && !history.Contains(pair.Key) && CatalogueMapping.Passes(world.Catalogue.Find(pair.Key), row.ItemKind, row.Genres))
            {
                page.Add(new RankedItem(pair.Key, pair.Value, RankedSource.Trending, []));
            }
        }

        var items = ResultMapping.ToResponses(page, world.Catalogue, valid.Request.Explain, valid.Metadata);

        // Not only new items trend here: an old favourite played a lot in the window does too.
        return valid.Request.Explain ? [.. items.Select(i => i with { Reason = new RecommendationReason("trending", "Trending now", []) })] : items;
    }

    private static List<RecommendedItemResponse> Popular(ValidRows valid, ValidRow row, History history, PageWorld world)
    {
        if (world.Engine is not { } engine)
        {
            return [];
        }

        var exclude = new List<string>(history.Ids.Count + history.Excluded.Count);
        exclude.AddRange(history.Ids);
        exclude.AddRange(history.Excluded);
        var result = engine.Popular(new PopularItemsRequest(exclude, row.Count, Filter(row)), valid.Strategy);
        if (result.Error != RecommendationError.None)
        {
            throw new InvalidOperationException($"The engine refused a validated query: {result.Error}.");
        }

        var page = result.Items.Select(i => new RankedItem(i.ItemId, i.Score, RankedSource.Popular, [])).ToList();
        return ResultMapping.ToResponses(page, world.Catalogue, valid.Request.Explain, valid.Metadata);
    }

    /// <summary>Released items, newest release first; the score is 1 / (1 + days since the release).</summary>
    private static List<RecommendedItemResponse> New(ValidRows valid, ValidRow row, History history, PageWorld world)
    {
        var page = new List<RankedItem>(row.Count);
        foreach (string id in world.Catalogue.ReleasedBy(world.Today))
        {
            if (page.Count == row.Count)
            {
                break;
            }

            var item = world.Catalogue.Find(id)!;
            if (!history.Contains(id) && CatalogueMapping.Passes(item, row.ItemKind, row.Genres))
            {
                int age = world.Today.DayNumber - item.AvailableFrom!.Value.DayNumber;
                page.Add(new RankedItem(id, 1f / (1 + age), RankedSource.New, []));
            }
        }

        return ResultMapping.ToResponses(page, world.Catalogue, valid.Request.Explain, valid.Metadata);
    }

    private static ItemFilter? Filter(ValidRow row) =>
        row.ItemKind is null && row.Genres is null ? null : new ItemFilter(row.ItemKind is { } k ? CatalogueMapping.ToIndexKind(k) : null, row.Genres);

    /// <summary>The row's heading: its kind's words with the filter's kind and genres, e.g. "Popular in Drama",
    /// "New movies", "Top games for you".</summary>
    private static string Title(ValidRow row)
    {
        string? noun = row.ItemKind switch
        {
            StoreKind.Movie => "movies",
            StoreKind.Song => "songs",
            StoreKind.Game => "games",
            _ => null,
        };
        string genres = row.Genres is { Count: > 0 } g ? " in " + string.Join(" or ", g) : "";
        return row.Kind switch
        {
            RowKind.ForYou => $"Top {noun ?? "picks"}{genres} for you",
            RowKind.Trending => $"Trending {noun ?? "now"}{genres}",
            RowKind.Popular => noun is not null ? $"Popular {noun}{genres}" : genres.Length > 0 ? $"Popular{genres}" : "Popular now",
            _ => $"New {noun ?? "releases"}{genres}",
        };
    }
}
