namespace MaaS.Storage.Validation;

/// <summary>The lower-case names both stores write for <see cref="ItemKind"/>.</summary>
internal static class ItemKinds
{
    public static string ToText(ItemKind kind) => kind switch
    {
        ItemKind.Movie => "movie",
        ItemKind.Song => "song",
        ItemKind.Game => "game",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "validated before writing"),
    };

    public static ItemKind Parse(string text) => text switch
    {
        "movie" => ItemKind.Movie,
        "song" => ItemKind.Song,
        "game" => ItemKind.Game,
        _ => throw new InvalidDataException("Unknown item kind in the database."),
    };
}
