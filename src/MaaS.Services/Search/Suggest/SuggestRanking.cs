namespace MaaS.Services.Search.Suggest;

/// <summary>
/// The order of suggestions: fewer typos first, then a whole-word match of the last query word over a prefix one,
/// then titles that the query begins, then the more popular (the tenant's decayed popularity), then the shorter title,
/// then the item id. And the score that says it in one number.
/// </summary>
internal static class SuggestRanking
{
    /// <summary>
    /// 1 / (1 + typos + 0.5 for a prefix-only last word + 0.25 when the title does not begin with the query): in (0, 1],
    /// 1 for a title that begins with the query's whole words, ordered as the ranking's first three keys are (those
    /// fractions never add up to a typo); popularity and length then order equal scores.
    /// </summary>
    public static float Score(TitleMatch match) => 1f / (1f + match.Edits + (match.Prefix ? 0.5f : 0f) + (match.Start ? 0f : 0.25f));

    /// <summary>Negative when <paramref name="a"/> ranks before <paramref name="b"/>.</summary>
    public static int Compare(TitleMatch a, TitleMatch b)
    {
        int c = a.Edits.CompareTo(b.Edits);
        if (c == 0)
        {
            c = a.Prefix.CompareTo(b.Prefix);
        }

        if (c == 0)
        {
            c = b.Start.CompareTo(a.Start);
        }

        if (c == 0)
        {
            c = b.Popularity.CompareTo(a.Popularity);
        }

        if (c == 0)
        {
            c = a.Item.Title.Length.CompareTo(b.Item.Title.Length);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Item.ItemId, b.Item.ItemId);
    }

    /// <summary>Inserts <paramref name="match"/> into <paramref name="best"/> (ranked) if it is among the first <paramref name="count"/>.</summary>
    public static void Offer(List<TitleMatch> best, TitleMatch match, int count)
    {
        if (best.Count == count && Compare(match, best[^1]) >= 0)
        {
            return;
        }

        int at = best.Count;
        while (at > 0 && Compare(match, best[at - 1]) < 0)
        {
            at--;
        }

        if (best.Count == count)
        {
            best.RemoveAt(best.Count - 1);
        }

        best.Insert(at, match);
    }
}
