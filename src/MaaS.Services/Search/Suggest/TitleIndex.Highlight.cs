namespace MaaS.Services.Search.Suggest;

internal sealed partial class TitleIndex
{
    /// <summary>
    /// The spans of item <paramref name="ordinal"/>'s title that the query matched, as [start, length] in title
    /// characters, in title order: each query word marks the title word it is closest to (one not marked yet, the
    /// earlier on a tie), a whole word in full and the word being typed up to what was typed.
    /// </summary>
    public List<int[]> Highlight(int ordinal, IReadOnlyList<string> query, bool lastIsPrefix)
    {
        string title = Items[ordinal].Title;
        int first = PositionOffsets[ordinal];
        int positions = PositionOffsets[ordinal + 1] - first;
        Span<bool> used = stackalloc bool[positions];
        var spans = new List<int[]>(query.Count);
        for (int q = 0; q < query.Count; q++)
        {
            bool prefix = lastIsPrefix && q == query.Count - 1;
            int allowed = WordMatcher.AllowedEdits(query[q].Length);
            int bestAt = -1;
            int bestEdits = int.MaxValue;
            int bestMatched = 0;
            for (int p = 0; p < positions; p++)
            {
                if (used[p])
                {
                    continue;
                }

                int edits = WordMatcher.Distance(query[q], Words[PositionWords[first + p]], prefix, out int matched);
                if (edits <= allowed && edits < bestEdits)
                {
                    (bestAt, bestEdits, bestMatched) = (p, edits, matched);
                }
            }

            if (bestAt < 0)
            {
                continue;
            }

            used[bestAt] = true;
            int start = SpanStarts[first + bestAt];
            int length = prefix && bestMatched < Words[PositionWords[first + bestAt]].Length
                ? SearchTokens.OriginalLength(title, start, bestMatched)
                : SpanLengths[first + bestAt];
            spans.Add([start, length]);
        }

        spans.Sort(static (a, b) => a[0].CompareTo(b[0]));
        return spans;
    }
}
