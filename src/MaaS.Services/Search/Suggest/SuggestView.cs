namespace MaaS.Services.Search.Suggest;

/// <summary>
/// What one suggest call reads for one catalogue snapshot: a base <see cref="TitleIndex"/> built in the background
/// from an earlier snapshot, the base titles this snapshot changed or deleted (<see cref="Removed"/>), and a small
/// index of the titles it added or changed since (<see cref="Delta"/>). So a catalogue write is found by the next call
/// without rebuilding the whole index in it. The answers to short prefixes (one word of one or two characters, the
/// broadest and most frequent keystrokes) are kept with the view once computed, so they go with it when it is
/// replaced. Immutable but for that cache; thread-safe.
/// </summary>
internal sealed class SuggestView
{
    /// <summary>The longest word whose answers are cached (a one- or two-character prefix matches the most titles).</summary>
    public const int ShortPrefix = 2;

    /// <summary>Cached answers per view: more than the distinct (prefix, count, kind) a search box sends of ASCII letters and digits at the default count.</summary>
    public const int MaxShortAnswers = 4096;

    // Tells this process's views apart from another replica's or an earlier run's in an ETag.
    private static readonly string Instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private static long s_generations;

    private readonly ShortAnswers _short;

    private SuggestView(
        CatalogueSnapshot snapshot, TitleIndex baseIndex, Func<string, float>? popularity, long? popularityVersion, bool[]? removed, TitleIndex? delta, int changes, long generation,
        ShortAnswers? answers = null)
    {
        _short = answers ?? new ShortAnswers();
        Changes = changes;
        Snapshot = snapshot;
        Base = baseIndex;
        Popularity = popularity;
        PopularityVersion = popularityVersion;
        Removed = removed;
        Delta = delta;
        Generation = generation;
        ETag = $"\"{Instance}-{generation}\"";
    }

    /// <summary>The snapshot this view answers for.</summary>
    public CatalogueSnapshot Snapshot { get; }

    public TitleIndex Base { get; }

    /// <summary>The popularity the base was built with (the delta's too).</summary>
    public Func<string, float>? Popularity { get; }

    /// <summary>The version of the tenant's recommendation index whose popularity the base holds (null: none served).</summary>
    public long? PopularityVersion { get; }

    /// <summary>By base ordinal: titles the snapshot no longer has as the base has them (null: none).</summary>
    public bool[]? Removed { get; }

    /// <summary>Titles the snapshot has and the base has not (null: none).</summary>
    public TitleIndex? Delta { get; }

    /// <summary>Titles changed since the base was built: the delta's and the removed ones.</summary>
    public int Changes { get; }

    /// <summary>Distinct per view of different answers in this process (a snapshot that moved without changing a title keeps it).</summary>
    public long Generation { get; }

    /// <summary>A strong HTTP entity tag of this view's answers: the same query gets the same bytes while it holds.</summary>
    public string ETag { get; }

    /// <summary>A view of <paramref name="snapshot"/> by one index built from it.</summary>
    public static SuggestView Built(CatalogueSnapshot snapshot, Func<string, float>? popularity, long? popularityVersion)
    {
        CatalogItem[] items = [.. snapshot.Items.Values.OrderBy(i => i.ItemId, StringComparer.Ordinal)];
        return new SuggestView(snapshot, TitleIndex.Build(items, popularity), popularity, popularityVersion, null, null, 0, Interlocked.Increment(ref s_generations));
    }

    /// <summary>
    /// A view of <paramref name="snapshot"/> over this view's base: one pass over the snapshot's items, comparing each
    /// with the base's entry by reference (a snapshot keeps the entries it did not change), so O(items) once per new
    /// snapshot, by its writer, never a request. A snapshot with this one's items (a content rebuild, embeddings
    /// merged) keeps the base, the delta, the cached answers' generation and the ETag.
    /// </summary>
    public SuggestView Over(CatalogueSnapshot snapshot)
    {
        if (ReferenceEquals(snapshot.Items, Snapshot.Items))
        {
            return new SuggestView(snapshot, Base, Popularity, PopularityVersion, Removed, Delta, Changes, Generation, _short);
        }

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
            snapshot, Base, Popularity, PopularityVersion, gone > 0 ? removed : null, added.Count > 0 ? TitleIndex.Build(added, Popularity) : null, added.Count + gone,
            Interlocked.Increment(ref s_generations));
    }

    /// <summary>The best <paramref name="count"/> titles for the query, ranked (<see cref="SuggestRanking"/>).</summary>
    public List<TitleMatch> Suggest(IReadOnlyList<string> words, bool lastIsPrefix, int count, ItemKind? kind)
    {
        var best = new List<TitleMatch>(count + 1);
        Base.Suggest(words, lastIsPrefix, count, kind, Removed, best);
        Delta?.Suggest(words, lastIsPrefix, count, kind, null, best);
        return best;
    }

    /// <summary>The answer's suggestions with their highlights; a short prefix's from the view's cache once computed.</summary>
    public IReadOnlyList<SuggestionResponse> Answer(ValidSuggest query)
    {
        if (query.Words.Count != 1 || query.Words[0].Length > ShortPrefix)
        {
            return Compute(query);
        }

        var key = new ShortQuery(query.Words[0], query.LastIsPrefix, query.Count, query.Kind);
        if (_short.Answers.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var answer = Compute(query);
        // Counted apart: ConcurrentDictionary.Count takes every lock. Two racing adds may pass the bound by one.
        if (Volatile.Read(ref _short.Count) < MaxShortAnswers && _short.Answers.TryAdd(key, answer))
        {
            Interlocked.Increment(ref _short.Count);
        }

        return answer;
    }

    private List<SuggestionResponse> Compute(ValidSuggest query) =>
        Suggest(query.Words, query.LastIsPrefix, query.Count, query.Kind).ConvertAll(m => new SuggestionResponse(
            m.Item.ItemId, m.Item.Title, CatalogueMapping.KindText(m.Item.Kind), SuggestRanking.Score(m), m.Index.Highlight(m.Ordinal, query.Words, query.LastIsPrefix)));

    private readonly record struct ShortQuery(string Word, bool LastIsPrefix, int Count, ItemKind? Kind);

    /// <summary>The cache of one generation's short answers, shared by its views.</summary>
    private sealed class ShortAnswers
    {
        public readonly ConcurrentDictionary<ShortQuery, IReadOnlyList<SuggestionResponse>> Answers = new();
        public int Count;
    }
}
