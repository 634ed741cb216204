using FastBertTokenizer;

namespace MaaS.Models.Embeddings;

/// <summary>
/// BERT's WordPiece tokenisation as the model was trained with it (FastBertTokenizer, which follows the reference
/// implementation: clean-up, lower-casing and accent stripping for uncased vocabularies, every punctuation character
/// a token), with <c>[CLS]</c> first and <c>[SEP]</c> last. Thread-safe: one instance serves every request.
/// </summary>
public sealed class WordPieceTokenizer
{
    /// <summary>Token ids at the start and end of every encoded text.</summary>
    public const int SpecialTokens = 2;

    [ThreadStatic]
    private static long[]? t_ids;

    [ThreadStatic]
    private static long[]? t_mask;

    private readonly BertTokenizer _tokenizer;

    private WordPieceTokenizer(BertTokenizer tokenizer, int vocabularySize)
    {
        _tokenizer = tokenizer;
        VocabularySize = vocabularySize;
    }

    /// <summary>Number of entries of the vocabulary; valid ids are 0..VocabularySize-1.</summary>
    public int VocabularySize { get; }

    /// <summary>Loads a <c>vocab.txt</c> (one word piece per line, id = line number).</summary>
    /// <param name="vocabularyPath">The file.</param>
    /// <param name="lowercase">True for uncased vocabularies (lower-cases and strips accents, as BERT uncased does).</param>
    public static WordPieceTokenizer Load(string vocabularyPath, bool lowercase)
    {
        var tokenizer = new BertTokenizer();
        using (var reader = File.OpenText(vocabularyPath))
        {
            tokenizer.LoadVocabulary(reader, lowercase);
        }

        int lines = File.ReadLines(vocabularyPath).Count(l => l.Length > 0);
        return new WordPieceTokenizer(tokenizer, lines);
    }

    /// <summary>
    /// Encodes one text into at most <paramref name="maxTokens"/> ids, special tokens included. A longer text keeps
    /// <c>[CLS]</c>, its first <c>maxTokens - 2</c> word pieces and <c>[SEP]</c>; only the part that fits is
    /// tokenised, so a text of megabytes costs no more than one of the limit.
    /// </summary>
    /// <param name="text">Any string (empty gives <c>[CLS] [SEP]</c>).</param>
    /// <param name="maxTokens">The model's limit (at least 2).</param>
    public TokenizedText Encode(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, SpecialTokens);
        // One more than the limit: filling it tells a text that fits exactly from one that was cut.
        int room = maxTokens + 1;
        if (t_ids is null || t_ids.Length < room)
        {
            t_ids = new long[room];
            t_mask = new long[room];
        }

        int count = _tokenizer.Encode(text, t_ids.AsSpan(0, room), t_mask.AsSpan(0, room));
        if (count <= maxTokens)
        {
            return new TokenizedText(t_ids.AsSpan(0, count).ToArray(), false);
        }

        long[] ids = t_ids.AsSpan(0, maxTokens).ToArray();
        ids[^1] = t_ids[count - 1];
        return new TokenizedText(ids, true);
    }
}

/// <summary>Word piece ids of one text.</summary>
/// <param name="Ids">Ids, <c>[CLS]</c> first and <c>[SEP]</c> last.</param>
/// <param name="Truncated">True when the text had more word pieces than the limit and was cut.</param>
public sealed record TokenizedText(long[] Ids, bool Truncated);
