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
}
