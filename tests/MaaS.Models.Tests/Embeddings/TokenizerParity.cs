using BERTTokenizers.Base;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>
/// Our WordPiece ids against a package's own tokenizer on all 19,469 MR sentences and Netflix descriptions, each text
/// sorted into: equal as it stands; equal once the text is split as BERT splits it (the packages strip no accents and
/// split only ASCII punctuation); a one- or two-letter word outside the vocabulary, which the packages' WordPiece loop
/// (it needs three characters) turns into [UNK]; or unexplained.
/// </summary>
internal sealed record TokenizerParity(int Texts, int Same, int SameOnceSplit, int ShortUnknown, IReadOnlyList<string> Unexplained)
{
    private const long Unknown = 100;

    public static TokenizerParity Of(WordPieceTokenizer ours, TokenizerBase package, string vocabularyPath)
    {
        var texts = EmbeddingTestData.Texts();
        var vocabulary = File.ReadLines(vocabularyPath).ToHashSet(StringComparer.Ordinal);
        int same = 0, sameOnceSplit = 0, shortUnknown = 0;
        var unexplained = new List<string>();
        foreach (string text in texts)
        {
            long[] mine = ours.Encode(text, 512).Ids;
            if (package.Encode(text)[0].InputIds.AsSpan().SequenceEqual(mine))
            {
                same++;
                continue;
            }

            string split = EmbeddingTestData.AsBertSplitsIt(text);
            long[] theirs = package.Encode(split)[0].InputIds;
            if (theirs.AsSpan().SequenceEqual(mine))
            {
                sameOnceSplit++;
            }
            else if (theirs.Contains(Unknown) && split.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w.Length <= 2 && !vocabulary.Contains(w.ToLowerInvariant())))
            {
                shortUnknown++;
            }
            else
            {
                unexplained.Add(text);
            }
        }

        return new TokenizerParity(texts.Count, same, sameOnceSplit, shortUnknown, unexplained);
    }
}
