namespace MaaS.Recommendations.Search;

/// <summary>
/// The one tokenisation of lexical search, for documents and queries alike: runs of letters and digits, lower-cased
/// invariantly and stripped of accents, so "Café" and "cafe" meet. Thread-safe.
/// </summary>
public static class SearchTokens
{
    /// <summary>The tokens of <paramref name="text"/> in order (repeats kept: BM25 counts them).</summary>
    public static List<string> Of(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var word = new StringBuilder();
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }

    /// <summary>
    /// The tokens of <paramref name="text"/> as <see cref="Of"/> folds them, each with the span of
    /// <paramref name="text"/> it came from (accents and the marks of decomposed letters included), so that a match can
    /// be shown on the original text. Per character decomposition equals the whole text's (canonical decomposition maps
    /// each code point on its own, and the marks it adds are dropped).
    /// </summary>
    public static List<SearchToken> Words(string? text)
    {
        var tokens = new List<SearchToken>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var word = new StringBuilder();
        int start = -1;
        int end = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool letters = false;
            bool marks = false;
            string? decomposed = Decomposed(c);
            for (int k = 0; k < (decomposed?.Length ?? 1); k++)
            {
                char d = decomposed is null ? c : decomposed[k];
                if (CharUnicodeInfo.GetUnicodeCategory(d) == UnicodeCategory.NonSpacingMark)
                {
                    marks = true;
                }
                else if (char.IsLetterOrDigit(d))
                {
                    start = start < 0 ? i : start;
                    word.Append(char.ToLowerInvariant(d));
                    letters = true;
                }
                else if (word.Length > 0)
                {
                    tokens.Add(new SearchToken(word.ToString(), start, end - start));
                    word.Clear();
                    start = -1;
                }
            }

            if (letters || (marks && word.Length > 0))
            {
                end = i + 1;
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(new SearchToken(word.ToString(), start, end - start));
        }

        return tokens;
    }

    /// <summary>How many characters of <paramref name="text"/> from <paramref name="start"/> fold to the first
    /// <paramref name="folded"/> characters of the token there (the highlight of a prefix match).</summary>
    public static int OriginalLength(string text, int start, int folded)
    {
        ArgumentNullException.ThrowIfNull(text);
        int produced = 0;
        int i = start;
        while (i < text.Length && produced < folded)
        {
            string? decomposed = Decomposed(text[i]);
            for (int k = 0; k < (decomposed?.Length ?? 1); k++)
            {
                char d = decomposed is null ? text[i] : decomposed[k];
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark && char.IsLetterOrDigit(d))
                {
                    produced++;
                }
            }

            i++;
        }

        // Marks that follow the last letter belong to it.
        while (i < text.Length && CharUnicodeInfo.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark)
        {
            i++;
        }

        return i - start;
    }

    // Null: the character is its own decomposition (ASCII, or half of a surrogate pair, which is never a letter here).
    private static string? Decomposed(char c) =>
        c < 0x80 || char.IsSurrogate(c) ? null : c.ToString().Normalize(NormalizationForm.FormD);
}

/// <summary>One token of <see cref="SearchTokens.Words"/>: its folded text and where it stands in the original.</summary>
/// <param name="Text">Lower-cased, accents stripped.</param>
/// <param name="Start">Index of its first character in the original text.</param>
/// <param name="Length">Characters it spans there.</param>
public readonly record struct SearchToken(string Text, int Start, int Length);
