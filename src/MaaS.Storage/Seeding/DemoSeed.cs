namespace MaaS.Storage.Seeding;

/// <summary>A synthetic user and the genres it was generated to prefer (kept so tests can check the structure).</summary>
public sealed record DemoUser(string UserId, IReadOnlyList<string> PreferredGenres);

/// <summary>The demo data set: a catalogue, its users, and their interactions in time order.</summary>
public sealed record DemoSeedData(IReadOnlyList<CatalogItem> Items, IReadOnlyList<DemoUser> Users, IReadOnlyList<InteractionEvent> Events);

/// <summary>
/// Deterministic demo data so a fresh gateway has something meaningful to recommend from: 300 items (100 movies,
/// 100 songs, 100 games) with genres and tags, and 200 users who each prefer two genres and direct about 85 % of
/// their interactions at items of those genres. The same seed gives the same data on every machine and runtime.
/// </summary>
public static class DemoSeed
{
    /// <summary>Items per kind.</summary>
    public const int ItemsPerKind = 100;

    /// <summary>Synthetic users.</summary>
    public const int UserCount = 200;

    /// <summary>Probability that an interaction targets one of the user's preferred genres.</summary>
    public const double Affinity = 0.85;

    /// <summary>All event timestamps fall in the 90 days from this instant.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ItemKind[] Kinds = [ItemKind.Movie, ItemKind.Song, ItemKind.Game];

    /// <summary>Builds the data set; pure and thread-safe (each call builds new lists).</summary>
    public static DemoSeedData Create(int seed = 42)
    {
        var rng = new SplitMix64(unchecked((ulong)seed * 0x2545F4914F6CDD1DUL + 1));
        var items = CreateItems(ref rng);
        var byGenre = items
            .SelectMany(item => item.Genres.Select(genre => (genre, item)))
            .GroupBy(p => p.genre, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.item).ToArray(), StringComparer.Ordinal);
        var allGenres = DemoVocabulary.Genres.Values.SelectMany(g => g).ToArray();

        var users = new List<DemoUser>(UserCount);
        var events = new List<InteractionEvent>();
        for (var u = 1; u <= UserCount; u++)
        {
            var first = rng.Pick(allGenres);
            string second;
            do
            {
                second = rng.Pick(allGenres);
            }
            while (second == first);
            var user = new DemoUser($"demo-user-{u:D3}", [first, second]);
            users.Add(user);

            var count = rng.Next(20, 61);
            var minutes = new int[count];
            for (var i = 0; i < count; i++)
            {
                minutes[i] = rng.Next(0, 90 * 24 * 60);
            }
            Array.Sort(minutes);
            for (var i = 0; i < count; i++)
            {
                var preferred = rng.NextDouble() < Affinity;
                var item = preferred ? rng.Pick(byGenre[rng.Pick(user.PreferredGenres)]) : rng.Pick(items);
                var liked = item.Genres.Any(user.PreferredGenres.Contains);
                var (type, value) = Interaction(item.Kind, liked, ref rng);
                events.Add(new InteractionEvent($"demo-{u:D3}-{i:D3}", user.UserId, item.ItemId, type, value, Epoch.AddMinutes(minutes[i])));
            }
        }
        events.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp) is var c && c != 0 ? c : string.CompareOrdinal(a.EventId, b.EventId));
        return new DemoSeedData(items, users, events);
    }

    private static List<CatalogItem> CreateItems(ref SplitMix64 rng)
    {
        var items = new List<CatalogItem>(ItemsPerKind * Kinds.Length);
        var titles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in Kinds)
        {
            var genres = DemoVocabulary.Genres[kind];
            var noun = kind switch { ItemKind.Movie => "film", ItemKind.Song => "track", _ => "game" };
            for (var n = 1; n <= ItemsPerKind; n++)
            {
                // Round-robin primary genre so every genre has items; a second genre on about a third of them.
                var primary = genres[(n - 1) % genres.Length];
                var itemGenres = new List<string> { primary };
                if (rng.NextDouble() < 0.35)
                {
                    var extra = rng.Pick(genres);
                    if (extra != primary)
                    {
                        itemGenres.Add(extra);
                    }
                }
                var pool = itemGenres.SelectMany(g => DemoVocabulary.Tags[g]).Distinct().ToArray();
                for (var i = pool.Length - 1; i > 0; i--)
                {
                    var j = rng.Next(0, i + 1);
                    (pool[i], pool[j]) = (pool[j], pool[i]);
                }
                var tags = pool[..rng.Next(2, 4)];
                var title = $"{rng.Pick(DemoVocabulary.Adjectives)} {rng.Pick(DemoVocabulary.Nouns)}";
                for (var suffix = 2; !titles.Add(title); suffix++)
                {
                    title = $"{title.Split(' ')[0]} {title.Split(' ')[1]} {suffix}";
                }
                var from = new DateOnly(2015, 1, 1).AddDays(rng.Next(0, 11 * 365));
                // A few items leave the catalogue at the end of 2026 and a few arrive in 2027, so availability
                // filtering has something to do.
                DateOnly? until = null;
                var window = rng.NextDouble();
                if (window < 0.08)
                {
                    until = new DateOnly(2026, 12, 31);
                }
                else if (window < 0.12)
                {
                    from = new DateOnly(2027, 1, 1).AddDays(rng.Next(0, 180));
                }
                items.Add(new CatalogItem(
                    $"{kind.ToString().ToLowerInvariant()}-{n:D3}",
                    kind,
                    title,
                    itemGenres,
                    tags,
                    $"{title} is a {string.Join(" and ", itemGenres).ToLowerInvariant()} {noun} ({string.Join(", ", tags)}).",
                    from,
                    until));
            }
        }
        return items;
    }

    private static (string Type, float Value) Interaction(ItemKind kind, bool liked, ref SplitMix64 rng)
    {
        var roll = rng.NextDouble();
        return kind switch
        {
            ItemKind.Movie when roll < 0.5 => ("view", 1f),
            ItemKind.Movie when roll < 0.7 => ("like", 1f),
            ItemKind.Movie => ("rate", liked ? rng.Next(4, 6) : rng.Next(1, 4)),
            ItemKind.Song when !liked && roll < 0.4 => ("skip", 0f),
            ItemKind.Song when roll < 0.85 => ("play", (float)Math.Round(liked ? 0.6 + 0.4 * rng.NextDouble() : 0.1 + 0.5 * rng.NextDouble(), 2)),
            ItemKind.Song => ("like", 1f),
            _ when roll < 0.6 => ("play", (float)Math.Round(liked ? 1 + 9 * rng.NextDouble() : 0.2 + rng.NextDouble(), 1)),
            _ when roll < 0.8 => ("like", 1f),
            _ => ("rate", liked ? rng.Next(4, 6) : rng.Next(1, 4)),
        };
    }
}
