namespace MaaS.Services.Search.Suggest;

/// <summary>A title that matches a query, with what ranks it (<see cref="SuggestRanking"/>).</summary>
/// <param name="Index">The index it is in.</param>
/// <param name="Ordinal">Its ordinal there.</param>
/// <param name="Edits">Typos over all query words.</param>
/// <param name="Prefix">Whether the last query word only begins a title word (a whole-word match ranks first).</param>
/// <param name="Start">Whether the first query word matches the title's first word.</param>
internal readonly record struct TitleMatch(TitleIndex Index, int Ordinal, int Edits, bool Prefix, bool Start)
{
    public CatalogItem Item => Index.Items[Ordinal];

    public float Popularity => Index.Popularity[Ordinal];
}

internal sealed partial class TitleIndex
{
    /// <summary>
    /// Adds to <paramref name="best"/> (kept ranked, at most <paramref name="count"/>) the titles that hold every query
    /// word: the last one (with <paramref name="lastIsPrefix"/>) as the beginning of a title word, the others as whole
    /// words, each within its typo allowance. Titles in <paramref name="removed"/> and of another kind than
    /// <paramref name="kind"/> are passed over. Allocates nothing that grows with the catalogue (the per-item marks
    /// are the calling thread's, reused).
    /// </summary>
    public void Suggest(IReadOnlyList<string> query, bool lastIsPrefix, int count, ItemKind? kind, bool[]? removed, List<TitleMatch> best)
    {
        if (query.Count == 0 || Items.Length == 0)
        {
            return;
        }

        var work = SuggestWorkspace.For(Items.Length, query);
        int generation = work.Reserve(query.Count);
        var stamps = work.Stamps;
        var edits = work.Edits;
        var round = work.Round;
        var start = work.Start;
        var last = work.Candidates;
        last.Clear();
        for (int q = 0; q < query.Count; q++)
        {
            bool isLast = q == query.Count - 1;
            var ranges = work.Ranges;
            ranges.Clear();
            WordMatcher.Find(Words, query[q], isLast && lastIsPrefix, work.Rows, ranges);
            int mark = generation + q;
            foreach (var range in ranges)
            {
                // A round's key: its edits, then whether it is a prefix only (so that the lesser is the better).
                int key = (range.Edits * 2) + (range.Whole ? 0 : 1);
                for (int word = range.Lo; word < range.Hi; word++)
                {
                    for (int p = PostingOffsets[word]; p < PostingOffsets[word + 1]; p++)
                    {
                        int item = PostingItems[p];
                        int stamp = stamps[item];
                        if (stamp == mark)
                        {
                            round[item] = Math.Min(round[item], key);
                            start[item] |= q == 0 && PostingPositions[p] == 0;
                        }
                        else if (q == 0 ? removed is null || !removed[item] : stamp == mark - 1)
                        {
                            edits[item] = q == 0 ? 0 : edits[item] + (round[item] >> 1);
                            round[item] = key;
                            start[item] = q == 0 ? PostingPositions[p] == 0 : start[item];
                            stamps[item] = mark;
                            if (isLast)
                            {
                                last.Add(item);
                            }
                        }
                    }
                }
            }
        }

        foreach (int item in last)
        {
            if (kind is { } wanted && Items[item].Kind != wanted)
            {
                continue;
            }

            SuggestRanking.Offer(best, new TitleMatch(this, item, edits[item] + (round[item] >> 1), (round[item] & 1) == 1, start[item]), count);
        }
    }
}
