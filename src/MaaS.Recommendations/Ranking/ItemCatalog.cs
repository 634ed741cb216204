namespace MaaS.Recommendations.Ranking;

/// <summary>Item attributes as arrays aligned with item indices: a kind byte and a 64-bit genre mask per item.</summary>
internal sealed class ItemCatalog
{
    public const int MaxGenres = 64;

    public ItemCatalog(byte[] kinds, ulong[] genreMasks, string[] genreNames)
    {
        Kinds = kinds;
        GenreMasks = genreMasks;
        GenreNames = genreNames;
    }

    public byte[] Kinds { get; }

    public ulong[] GenreMasks { get; }

    public string[] GenreNames { get; }

    /// <summary>Aligns attributes with <paramref name="items"/>; more than <see cref="MaxGenres"/> distinct genres throws
    /// unless <paramref name="dropExtraGenres"/>, which leaves the later ones out of the filters.</summary>
    public static ItemCatalog Create(Interactions.IdMap items, IEnumerable<ItemMetadata>? metadata, bool dropExtraGenres = false)
    {
        var kinds = new byte[items.Count];
        var masks = new ulong[items.Count];
        var names = new List<string>();
        var lookup = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in metadata ?? [])
        {
            if (!items.TryGetIndex(m.ItemId, out int index))
            {
                continue;
            }

            kinds[index] = (byte)m.Kind;
            foreach (string genre in m.Genres)
            {
                if (!lookup.TryGetValue(genre, out int bit))
                {
                    if (names.Count == MaxGenres)
                    {
                        if (dropExtraGenres)
                        {
                            continue;
                        }

                        throw new ArgumentException($"More than {MaxGenres} distinct genres in the catalogue.", nameof(metadata));
                    }

                    bit = names.Count;
                    lookup.Add(genre, bit);
                    names.Add(genre);
                }

                masks[index] |= 1UL << bit;
            }
        }

        return new ItemCatalog(kinds, masks, [.. names]);
    }

    /// <summary>The mask of the named genres; unknown names add nothing.</summary>
    public ulong MaskOf(IReadOnlyList<string> genres)
    {
        ulong mask = 0;
        foreach (string g in genres)
        {
            int bit = Array.FindIndex(GenreNames, n => string.Equals(n, g, StringComparison.OrdinalIgnoreCase));
            if (bit >= 0)
            {
                mask |= 1UL << bit;
            }
        }

        return mask;
    }
}
