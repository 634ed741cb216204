namespace MaaS.Services.Search.Suggest;

/// <summary>A run of vocabulary words <c>Lo..Hi</c> (exclusive) that match a query word with <see cref="Edits"/> edits;
/// <see cref="Whole"/>: as whole words (the query word is not just a prefix of them).</summary>
internal readonly record struct WordRange(int Lo, int Hi, int Edits, bool Whole);

/// <summary>
/// Finds the words of a sorted vocabulary within a few edits of a query word, as a whole word or (the word being
/// typed) as a prefix: Damerau-Levenshtein in its optimal-string-alignment form (an insertion, a deletion, a
/// substitution or a transposition of neighbours each cost one edit), the allowance by the typed word's length as
/// Elasticsearch's <c>fuzziness: AUTO</c> and Typesense (<see cref="AllowedEdits"/>). The sorted array is walked as an
/// implicit trie: the words of a range share the path's characters, their next characters split it into sub-ranges
/// (a binary search each), and one dynamic-programming row per depth is computed once per sub-range, so a walk costs
/// the trie nodes within the allowance, not the vocabulary; a branch whose row exceeds the allowance is cut. A prefix
/// without typos allowed is one binary search. Thread-safe; the caller lends the row buffer.
/// </summary>
internal static class WordMatcher
{
    /// <summary>Edits allowed in a typed word of <paramref name="length"/> characters: 0 for 1–3, 1 for 4–7, 2 for 8+.</summary>
    public static int AllowedEdits(int length) => length switch
    {
        < 4 => 0,
        < 8 => 1,
        _ => 2,
    };

    /// <summary>Rows the walk needs for a query word of <paramref name="length"/> characters.</summary>
    public static int RowsLength(int length) => (length + AllowedEdits(length) + 2) * (length + 1);

    /// <summary>
    /// Adds to <paramref name="into"/> the ranges of <paramref name="words"/> (sorted ordinally, distinct) within
    /// <see cref="AllowedEdits"/> of <paramref name="query"/>: as whole words, or with <paramref name="prefix"/> as
    /// words that some prefix of is (the edits of the best prefix; a word whose whole is as close is marked whole).
    /// </summary>
    /// <param name="words">The vocabulary.</param>
    /// <param name="query">A folded query word.</param>
    /// <param name="prefix">Whether the word is still being typed.</param>
    /// <param name="rows">At least <see cref="RowsLength"/> of the query's length.</param>
    /// <param name="into">Where the ranges go, in vocabulary order.</param>
    public static void Find(string[] words, ReadOnlySpan<char> query, bool prefix, Span<int> rows, List<WordRange> into)
    {
        int k = AllowedEdits(query.Length);
        if (words.Length == 0 || query.IsEmpty)
        {
            return;
        }

        if (k == 0)
        {
            Exact(words, query, prefix, into);
            return;
        }

        int w = query.Length + 1;
        for (int j = 0; j < w; j++)
        {
            rows[j] = j;
        }

        Walk(words, query, k, prefix, 0, words.Length, 0, int.MaxValue, rows, into);
    }

    /// <summary>
    /// The optimal-string-alignment distance of <paramref name="query"/> to <paramref name="word"/> or, with
    /// <paramref name="prefix"/>, to its closest prefix, whose length is <paramref name="matched"/> (the longest of the
    /// closest, so a highlight covers what was typed). For highlights and tests; at most 100 characters of query.
    /// </summary>
    public static int Distance(ReadOnlySpan<char> query, ReadOnlySpan<char> word, bool prefix, out int matched)
    {
        int m = query.Length;
        int w = m + 1;
        Span<int> rows = stackalloc int[3 * w];
        for (int j = 0; j < w; j++)
        {
            rows[j] = j;
        }

        int best = m;
        matched = 0;
        for (int d = 1; d <= word.Length; d++)
        {
            Span<int> row = rows.Slice(d % 3 * w, w);
            Row(query, word[d - 1], d >= 2 ? word[d - 2] : '\0', d, rows.Slice((d - 1) % 3 * w, w), d >= 2 ? rows.Slice((d - 2) % 3 * w, w) : default, row);
            if (row[m] <= best)
            {
                best = row[m];
                matched = d;
            }
        }

        if (!prefix)
        {
            matched = word.Length;
            return rows.Slice(word.Length % 3 * w, w)[m];
        }

        return best;
    }

    private static void Exact(string[] words, ReadOnlySpan<char> query, bool prefix, List<WordRange> into)
    {
        int lo = LowerBound(words, query);
        if (!prefix)
        {
            if (lo < words.Length && words[lo].AsSpan().SequenceEqual(query))
            {
                into.Add(new WordRange(lo, lo + 1, 0, true));
            }

            return;
        }

        int hi = lo;
        int top = words.Length;
        while (hi < top)
        {
            int mid = (hi + top) >>> 1;
            if (words[mid].AsSpan().StartsWith(query))
            {
                hi = mid + 1;
            }
            else
            {
                top = mid;
            }
        }

        if (lo < hi && words[lo].Length == query.Length)
        {
            into.Add(new WordRange(lo, lo + 1, 0, true));
            lo++;
        }

        if (lo < hi)
        {
            into.Add(new WordRange(lo, hi, 0, false));
        }
    }

    // rows[d] holds the row of the path words[lo][..d]; best: the least distance of the query to a prefix of the path.
    private static void Walk(string[] words, ReadOnlySpan<char> query, int k, bool prefix, int lo, int hi, int d, int best, Span<int> rows, List<WordRange> into)
    {
        int m = query.Length;
        int w = m + 1;
        var row = rows.Slice(d * w, w);
        if (prefix)
        {
            best = Math.Min(best, row[m]);
        }

        // The shortest word of a range is first: it ends here when it is as long as the path.
        if (words[lo].Length == d)
        {
            int whole = row[m];
            if (prefix ? best <= k : whole <= k)
            {
                into.Add(new WordRange(lo, lo + 1, prefix ? best : whole, whole <= best || !prefix));
            }

            lo++;
        }

        if (lo >= hi)
        {
            return;
        }

        // A row deeper than m + k is over the allowance everywhere (it is at least its depth minus m).
        if (d + 1 > m + k)
        {
            if (prefix && best <= k)
            {
                into.Add(new WordRange(lo, hi, best, false));
            }

            return;
        }

        var next = rows.Slice((d + 1) * w, w);
        var before = d >= 1 ? rows.Slice((d - 1) * w, w) : default;
        while (lo < hi)
        {
            char c = words[lo][d];
            int end = GroupEnd(words, lo, hi, d, c);
            if (Row(query, c, d >= 1 ? words[lo][d - 1] : '\0', d + 1, row, before, next) <= k)
            {
                Walk(words, query, k, prefix, lo, end, d + 1, best, rows, into);
            }
            else if (prefix && best <= k)
            {
                // The words below have no closer prefix, and their wholes are further still.
                into.Add(new WordRange(lo, end, best, false));
            }

            lo = end;
        }
    }

    /// <summary>The row of a path of <paramref name="depth"/> characters ending in <paramref name="c"/> (after
    /// <paramref name="previous"/>) from the rows above it; returns the row's least value.</summary>
    private static int Row(ReadOnlySpan<char> query, char c, char previous, int depth, ReadOnlySpan<int> above, ReadOnlySpan<int> twoAbove, Span<int> row)
    {
        row[0] = depth;
        int least = depth;
        for (int j = 1; j < row.Length; j++)
        {
            int value = Math.Min(Math.Min(above[j] + 1, row[j - 1] + 1), above[j - 1] + (query[j - 1] == c ? 0 : 1));
            if (depth >= 2 && j >= 2 && query[j - 1] == previous && query[j - 2] == c)
            {
                value = Math.Min(value, twoAbove[j - 2] + 1);
            }

            row[j] = value;
            least = Math.Min(least, value);
        }

        return least;
    }

    // The first index of lo..hi whose character at d is past c (every word there is longer than d and they are sorted).
    private static int GroupEnd(string[] words, int lo, int hi, int d, char c)
    {
        int first = lo + 1;
        if (first >= hi || words[first][d] != c)
        {
            return first;
        }

        while (first < hi)
        {
            int mid = (first + hi) >>> 1;
            if (words[mid][d] <= c)
            {
                first = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return first;
    }

    private static int LowerBound(string[] words, ReadOnlySpan<char> query)
    {
        int lo = 0;
        int hi = words.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (words[mid].AsSpan().SequenceCompareTo(query) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
