using IndexKind = MaaS.Recommendations.Ranking.ItemKind;

namespace MaaS.Services.Recommendations.Catalogue;

/// <summary>Catalogue items between the API's text form, the store's types and the index's types.</summary>
internal static class CatalogueMapping
{
    public static ItemResponse ToResponse(CatalogItem item) => new(
        item.ItemId, KindText(item.Kind), item.Title, item.Genres, item.Tags, item.Text, item.AvailableFrom, item.AvailableUntil);

    public static string KindText(ItemKind kind) => kind switch
    {
        ItemKind.Movie => "movie",
        ItemKind.Song => "song",
        _ => "game",
    };

    public static IndexKind ToIndexKind(ItemKind kind) => kind switch
    {
        ItemKind.Movie => IndexKind.Movie,
        ItemKind.Song => IndexKind.Song,
        ItemKind.Game => IndexKind.Game,
        _ => IndexKind.Unknown,
    };

    public static bool TryParseKind(string? text, out ItemKind kind)
    {
        switch (text?.ToLowerInvariant())
        {
            case "movie":
                kind = ItemKind.Movie;
                return true;
            case "song":
                kind = ItemKind.Song;
                return true;
            case "game":
                kind = ItemKind.Game;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>The verb of a because-you-... reason for an item of this kind.</summary>
    public static (string Type, string Verb) Because(ItemKind? kind) => kind switch
    {
        ItemKind.Movie => ("because-you-watched", "watched"),
        ItemKind.Song => ("because-you-listened", "listened to"),
        _ => ("because-you-played", "played"),
    };

    /// <summary>Whether a catalogued (or unknown) item passes kind / genre filters, judged from the catalogue.</summary>
    public static bool Passes(CatalogItem? item, ItemKind? kind, IReadOnlyList<string>? genres)
    {
        if (kind is null && genres is not { Count: > 0 })
        {
            return true;
        }

        if (item is null || (kind is not null && item.Kind != kind))
        {
            return false;
        }

        if (genres is not { Count: > 0 })
        {
            return true;
        }

        foreach (string g in item.Genres)
        {
            foreach (string wanted in genres)
            {
                if (string.Equals(g, wanted, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
