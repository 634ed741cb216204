namespace MaaS.Storage.Seeding;

/// <summary>Word lists the demo catalogue is composed from: genres per kind, tags per genre, title words.</summary>
internal static class DemoVocabulary
{
    public static readonly IReadOnlyDictionary<ItemKind, string[]> Genres = new Dictionary<ItemKind, string[]>
    {
        [ItemKind.Movie] = ["Action", "Comedy", "Drama", "Sci-Fi", "Horror", "Romance", "Documentary", "Animation"],
        [ItemKind.Song] = ["Rock", "Pop", "Jazz", "Hip-Hop", "Electronic", "Classical", "Country", "Metal"],
        [ItemKind.Game] = ["RPG", "Shooter", "Strategy", "Puzzle", "Platformer", "Racing", "Sports", "Simulation"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> Tags = new Dictionary<string, string[]>
    {
        ["Action"] = ["explosions", "heist", "martial arts", "chase"],
        ["Comedy"] = ["feel-good", "satire", "slapstick", "buddy"],
        ["Drama"] = ["family", "courtroom", "period", "slow burn"],
        ["Sci-Fi"] = ["space", "time travel", "dystopia", "robots"],
        ["Horror"] = ["haunted", "slasher", "creature", "psychological"],
        ["Romance"] = ["first love", "wedding", "long distance", "second chance"],
        ["Documentary"] = ["nature", "true crime", "history", "biography"],
        ["Animation"] = ["family", "anime", "stop motion", "musical"],
        ["Rock"] = ["guitar", "anthem", "live", "classic"],
        ["Pop"] = ["catchy", "dance", "summer", "ballad"],
        ["Jazz"] = ["smooth", "bebop", "late night", "saxophone"],
        ["Hip-Hop"] = ["beats", "lyrical", "old school", "trap"],
        ["Electronic"] = ["house", "ambient", "techno", "chill"],
        ["Classical"] = ["orchestral", "piano", "baroque", "opera"],
        ["Country"] = ["acoustic", "road trip", "storytelling", "banjo"],
        ["Metal"] = ["heavy", "riffs", "doom", "thrash"],
        ["RPG"] = ["open world", "story rich", "fantasy", "party"],
        ["Shooter"] = ["multiplayer", "tactical", "arena", "sci-fi"],
        ["Strategy"] = ["turn-based", "real-time", "empire", "card"],
        ["Puzzle"] = ["relaxing", "logic", "physics", "short"],
        ["Platformer"] = ["pixel art", "precision", "metroidvania", "co-op"],
        ["Racing"] = ["arcade", "simulation", "kart", "open world"],
        ["Sports"] = ["football", "basketball", "career", "multiplayer"],
        ["Simulation"] = ["farming", "city builder", "life", "flight"],
    };

    public static readonly string[] Adjectives =
    [
        "Silent", "Golden", "Broken", "Electric", "Hidden", "Crimson", "Endless", "Frozen", "Wild", "Midnight",
        "Lost", "Neon", "Iron", "Paper", "Velvet", "Hollow", "Burning", "Distant", "Secret", "Quiet",
    ];

    public static readonly string[] Nouns =
    [
        "River", "Empire", "Garden", "Signal", "Horizon", "Machine", "Harbor", "Kingdom", "Echo", "Orbit",
        "Forest", "Circuit", "Lantern", "Summit", "Voyage", "Mirror", "Storm", "Canyon", "Frontier", "Melody",
    ];
}
