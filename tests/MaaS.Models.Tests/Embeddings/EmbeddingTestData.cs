using MaaS.Models.Tests.Text;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>The texts of the embedding parity tests: every MR sentence and every Netflix description.</summary>
internal static class EmbeddingTestData
{
    /// <summary>MR sentences (negatives, then positives), then Netflix descriptions in file order; skips when absent.</summary>
    public static IReadOnlyList<string> Texts() => TextsOrNull.Value ?? Skip();

    /// <summary>A seeded sample of <paramref name="count"/> of <see cref="Texts"/>: MR and Netflix mixed, so lengths vary.</summary>
    public static string[] Sample(int count, int seed)
    {
        string[] texts = [.. Texts()];
        new Random(seed).Shuffle(texts);
        return texts[..count];
    }

    /// <summary>
    /// What BERT's basic tokenizer does before word pieces, and the package's tokenizer does not: accents stripped
    /// (NFD, non-spacing marks dropped), any whitespace a space, every punctuation character and ASCII symbol split
    /// off. Fed this, the package's tokenizer shows whether the two tokenizers differ only there.
    /// </summary>
    public static string AsBertSplitsIt(string text)
    {
        var split = new StringBuilder(text.Length * 2);
        foreach (char c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                split.Append(' ');
            }
            else if (char.IsPunctuation(c) || (char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c)))
            {
                split.Append(' ').Append(c).Append(' ');
            }
            else
            {
                split.Append(c);
            }
        }

        return split.ToString().Normalize(NormalizationForm.FormC);
    }

    private static readonly Lazy<IReadOnlyList<string>?> TextsOrNull = new(() => Load());

    private static List<string>? Load()
    {
        if (TestSupport.SharedData.Find(Path.Combine("sentiment", "mr"), "rt-polarity.neg", "rt-polarity.pos") is not { } mr
            || TestSupport.SharedData.Find("content", ContentCorpus.FileName) is not { } content)
        {
            return null;
        }

        var texts = MovieReviewCorpus.Load(mr).Examples.Select(e => e.Text).ToList();
        using var reader = new StreamReader(Path.Combine(content, ContentCorpus.FileName));
        var rows = CsvReader.Read(reader).ToList();
        int description = Array.IndexOf(rows[0], "description");
        texts.AddRange(rows.Skip(1).Where(r => r.Length == rows[0].Length).Select(r => r[description]));
        return texts;
    }

    private static IReadOnlyList<string> Skip()
    {
        TextTestData.MovieReviewsOrSkip();
        TextTestData.ContentOrSkip();
        throw new InvalidOperationException("unreachable: a data set is missing but no skip was raised");
    }
}
