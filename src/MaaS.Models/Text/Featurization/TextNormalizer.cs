using MaaS.Models.Text.Normalization;

namespace MaaS.Models.Text.Featurization;

/// <summary>
/// First featurization step: removes control and format characters, unifies apostrophes, applies NFKC and
/// lower-cases. Defined for any string (lone surrogates become U+FFFD). Thread-safe.
/// </summary>
internal static class TextNormalizer
{
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                // Typographic apostrophes: mapped before NFKC, which would turn U+00B4 into a space + combining accent.
                case '\u2019' or '\u2018' or '\u02BC' or '\u0060' or '\u00B4' or '\u2032':
                    sb.Append('\'');
                    continue;
                case '\t' or '\n' or '\r':
                    sb.Append(' ');
                    continue;
            }

            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control)
            {
                sb.Append(' ');
            }
            else if (category is not UnicodeCategory.Format)
            {
                sb.Append(c);
            }
        }

        return UnicodeNfkc.Normalize(sb.ToString()).ToLowerInvariant();
    }
}
