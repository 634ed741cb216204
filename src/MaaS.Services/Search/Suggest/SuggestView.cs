namespace MaaS.Services.Search.Suggest;

/// <summary>
/// What one suggest call reads for one catalogue snapshot: a base <see cref="TitleIndex"/> built in the background
/// from an earlier snapshot, the base titles this snapshot changed or deleted (<see cref="Removed"/>), and a small
/// index of the titles it added or changed since (<see cref="Delta"/>). So a catalogue write is found by the next call
/// without rebuilding the whole index in it. Immutable, thread-safe.
/// </summary>
internal sealed class SuggestView
{
    private SuggestView(CatalogueSnapshot snapshot, TitleIndex baseIndex, long? popularityVersion, bool[]? removed, TitleIndex? delta, int changes = 0)
    {
        Changes = changes;
        Snapshot = snapshot;
        Base = baseIndex;
        PopularityVersion = popularityVersion;
        Removed = removed;
        Delta = delta;
    }

    /// <summary>The snapshot this view answers for.</summary>
    public CatalogueSnapshot Snapshot { get; }

    public TitleIndex Base { get; }

    /// <summary>The version of the tenant's recommendation index whose popularity the base holds (null: none served).</summary>
    public long? PopularityVersion { get; }

    /// <summary>By base ordinal: titles the snapshot no longer has as the base has them (null: none).</summary>
    public bool[]? Removed { get; }

    /// <summary>Titles the snapshot has and the base has not (null: none).</summary>
    public TitleIndex? Delta { get; }

    /// <summary>Titles changed since the base was built: the delta's and the removed ones.</summary>
    public int Changes { get; }

    /// <summary>A view of <paramref name="snapshot"/> by one index built from it.</summary>
    public static SuggestView Built(CatalogueSnapshot snapshot, Func<string, float>? popularity, long? popularityVersion)
    {
        CatalogItem[] items = [.. snapshot.Items.Values.OrderBy(i => i.ItemId, StringComparer.Ordinal)];
        return new SuggestView(snapshot, TitleIndex.Build(items, popularity), popularityVersion, null, null);
    }

    /// <summary>
    /// A view of <paramref name="snapshot"/> over this view's base: one pass over the snapshot's items, comparing each
    /// with the base's entry by reference (a snapshot keeps the entries it did not change), so O(items) once per new
    /// snapshot, not per call.
    /// </summary>
    public SuggestView Over(CatalogueSnapshot snapshot, Func<string, float>? popularity)
    {
        var removed = new bool[Base.Count];
        Array.Fill(removed, true);
        var added = new List<CatalogItem>();
        foreach (var (id, item) in snapshot.Items)
        {
            if (Base.TryGetOrdinal(id, out int ordinal) && ReferenceEquals(Base.Items[ordinal], item))
            {
                removed[ordinal] = false;
            }
            else
            {
                added.Add(item);
            }
        }

        added.Sort(static (a, b) => string.CompareOrdinal(a.ItemId, b.ItemId));
        int gone = removed.Count(static r => r);
        return new SuggestView(
            snapshot, Base, PopularityVersion, gone > 0 ? removed : null, added.Count > 0 ? TitleIndex.Build(added, popularity) : null, added.Count + gone);
    }

    /// <summary>The best <paramref name="count"/> titles for the query, ranked (<see cref="SuggestRanking"/>).</summary>
    public List<TitleMatch> Suggest(IReadOnlyList<string> words, bool lastIsPrefix, int count, ItemKind? kind)
    {
        var best = new List<TitleMatch>(count + 1);
        Base.Suggest(words, lastIsPrefix, count, kind, Removed, best);
        Delta?.Suggest(words, lastIsPrefix, count, kind, null, best);
        return best;
    }
}
