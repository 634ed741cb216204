namespace MaaS.Models.Text.Featurization;

/// <summary>What a token is: decides character n-grams and where a negation scope ends.</summary>
internal enum TokenKind
{
    Word,
    Punctuation,
    Symbol,
}

/// <summary>One token of normalised text; <see cref="Negated"/> marks a word inside a negation scope.</summary>
internal readonly record struct Token(string Text, TokenKind Kind, bool Negated)
{
    /// <summary>The form word n-grams use: negated words carry a <c>NEG_</c> prefix.</summary>
    public string Form => Negated ? "NEG_" + Text : Text;
}
