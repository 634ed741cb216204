namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Tokens of one text without a string per token: each token's characters sit in one reused buffer (a contraction's
/// stem, "ca" → "can", is not a slice of the input). Reused per thread; not thread-safe.
/// </summary>
internal sealed class TokenBuffer
{
    private char[] _chars = new char[256];
    private (int Start, int Length, TokenKind Kind, bool Negated)[] _tokens = new (int, int, TokenKind, bool)[64];
    private int _charCount;

    /// <summary>Tokens held.</summary>
    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _charCount = 0;
    }

    public void Add(ReadOnlySpan<char> text, TokenKind kind, bool negated)
    {
        if (_charCount + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + text.Length));
        }

        if (Count == _tokens.Length)
        {
            Array.Resize(ref _tokens, _tokens.Length * 2);
        }

        text.CopyTo(_chars.AsSpan(_charCount));
        _tokens[Count++] = (_charCount, text.Length, kind, negated);
        _charCount += text.Length;
    }

    /// <summary>Drops the tokens from <paramref name="count"/> on.</summary>
    public void Truncate(int count)
    {
        if (count < Count)
        {
            Count = count;
            _charCount = _tokens[count].Start;
        }
    }

    public ReadOnlySpan<char> Text(int index) => _chars.AsSpan(_tokens[index].Start, _tokens[index].Length);

    public TokenKind Kind(int index) => _tokens[index].Kind;

    public bool Negated(int index) => _tokens[index].Negated;
}
