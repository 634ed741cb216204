namespace MaaS.Services.Search.Suggest;

/// <summary>
/// The titles of a set of catalogue items made completable: a sorted array of the distinct folded title words (the
/// vocabulary, <see cref="SearchTokens.Words"/>' folding, so the suggester and BM25 agree on what a word is), each
/// with its postings (item ordinal, word position), and per item its words' spans in the title for highlights.
/// <para>
/// Why this shape: a prefix is a binary search for a contiguous range of the sorted vocabulary, and the same array,
/// walked range by range as an implicit trie (<see cref="WordMatcher"/>), bounds the edit-distance search for typos
/// without building a trie's nodes; the vocabulary grows with the distinct words (≈ 1 per title at 100,000 titles),
/// not with the titles' characters. Everything is flat arrays, so a query allocates only what it answers. Immutable,
/// thread-safe.
/// </para>
/// </summary>
internal sealed partial class TitleIndex
{
    /// <summary>Title words past this position are not indexed (a title is a few words; a byte holds the position).</summary>
    public const int MaxPositions = 255;

    private readonly Dictionary<string, int> _ordinals;

    private TitleIndex(CatalogItem[] items, float[] popularity, int[] positionOffsets, int[] positionWords, int[] spanStarts, int[] spanLengths, string[] words, int[] postingOffsets, int[] postingItems, byte[] postingPositions)
    {
        Items = items;
        Popularity = popularity;
        PositionOffsets = positionOffsets;
        PositionWords = positionWords;
        SpanStarts = spanStarts;
        SpanLengths = spanLengths;
        Words = words;
        PostingOffsets = postingOffsets;
        PostingItems = postingItems;
        PostingPositions = postingPositions;
        _ordinals = new Dictionary<string, int>(items.Length, StringComparer.Ordinal);
        for (int i = 0; i < items.Length; i++)
        {
            _ordinals[items[i].ItemId] = i;
        }
    }

    /// <summary>An index of no items.</summary>
    public static TitleIndex Empty { get; } = Build([], null);

    /// <summary>The items, by ordinal.</summary>
    public CatalogItem[] Items { get; }

    /// <summary>Each item's popularity when the index was built (a tie-breaker of the ranking).</summary>
    public float[] Popularity { get; }

    /// <summary>The distinct folded title words, in ordinal order.</summary>
    public string[] Words { get; }

    /// <summary>Item <c>i</c>'s title words are positions <c>PositionOffsets[i]..PositionOffsets[i + 1]</c>.</summary>
    internal int[] PositionOffsets { get; }

    /// <summary>The vocabulary word at each position.</summary>
    internal int[] PositionWords { get; }

    /// <summary>Where each position's word starts in its title.</summary>
    internal int[] SpanStarts { get; }

    /// <summary>How many title characters each position's word spans.</summary>
    internal int[] SpanLengths { get; }

    /// <summary>Word <c>w</c>'s postings are <c>PostingOffsets[w]..PostingOffsets[w + 1]</c>.</summary>
    internal int[] PostingOffsets { get; }

    internal int[] PostingItems { get; }

    internal byte[] PostingPositions { get; }

    /// <summary>Titles indexed.</summary>
    public int Count => Items.Length;

    /// <summary>Bytes of the index's own arrays and vocabulary strings (not the items, which the catalogue holds).</summary>
    public long Bytes =>
        (Popularity.LongLength * 4) + ((PositionOffsets.LongLength + PositionWords.LongLength + SpanStarts.LongLength + SpanLengths.LongLength + PostingOffsets.LongLength + PostingItems.LongLength) * 4)
        + PostingPositions.LongLength + (Items.LongLength * 8) + (Words.LongLength * 8) + Words.Sum(w => 22L + (2L * w.Length))
        + (_ordinals.Count * 24L);

    /// <summary>The ordinal of <paramref name="itemId"/>, if indexed.</summary>
    public bool TryGetOrdinal(string itemId, out int ordinal) => _ordinals.TryGetValue(itemId, out ordinal);

    /// <summary>Indexes <paramref name="items"/> (ordinal = position) with each one's popularity (null: all 0).</summary>
    public static TitleIndex Build(IReadOnlyList<CatalogItem> items, Func<string, float>? popularity)
    {
        ArgumentNullException.ThrowIfNull(items);
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var positionOffsets = new int[items.Count + 1];
        var wordIds = new List<int>(items.Count * 3);
        var spanStarts = new List<int>(items.Count * 3);
        var spanLengths = new List<int>(items.Count * 3);
        var pops = new float[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            pops[i] = popularity?.Invoke(items[i].ItemId) ?? 0f;
            var tokens = SearchTokens.Words(items[i].Title);
            for (int p = 0; p < tokens.Count && p < MaxPositions; p++)
            {
                if (!vocabulary.TryGetValue(tokens[p].Text, out int id))
                {
                    id = vocabulary.Count;
                    vocabulary.Add(tokens[p].Text, id);
                }

                wordIds.Add(id);
                spanStarts.Add(tokens[p].Start);
                spanLengths.Add(tokens[p].Length);
            }

            positionOffsets[i + 1] = wordIds.Count;
        }

        // Number the words in ordinal order: the array is then the sorted vocabulary the matcher searches.
        var words = new string[vocabulary.Count];
        foreach (var (word, id) in vocabulary)
        {
            words[id] = word;
        }

        var order = new int[words.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(words, order, StringComparer.Ordinal);
        var rank = new int[words.Length];
        for (int r = 0; r < order.Length; r++)
        {
            rank[order[r]] = r;
        }

        var positionWords = new int[wordIds.Count];
        var postingOffsets = new int[words.Length + 1];
        for (int p = 0; p < positionWords.Length; p++)
        {
            positionWords[p] = rank[wordIds[p]];
            postingOffsets[positionWords[p] + 1]++;
        }

        for (int w = 0; w < words.Length; w++)
        {
            postingOffsets[w + 1] += postingOffsets[w];
        }

        var fill = postingOffsets[..^1];
        var postingItems = new int[positionWords.Length];
        var postingPositions = new byte[positionWords.Length];
        for (int i = 0; i < items.Count; i++)
        {
            for (int p = positionOffsets[i]; p < positionOffsets[i + 1]; p++)
            {
                int at = fill[positionWords[p]]++;
                postingItems[at] = i;
                postingPositions[at] = (byte)(p - positionOffsets[i]);
            }
        }

        return new TitleIndex([.. items], pops, positionOffsets, positionWords, [.. spanStarts], [.. spanLengths], words, postingOffsets, postingItems, postingPositions);
    }
}
