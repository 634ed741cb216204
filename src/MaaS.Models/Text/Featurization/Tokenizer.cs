namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Splits normalised text into words, punctuation and symbols; splits English contractions (doesn't → does n't,
/// it's → it 's) and marks negation scopes (words after not / n't / never / no ... up to the next punctuation).
/// Thread-safe (stateless).
/// </summary>
internal static class Tokenizer
{
    private const byte AsciiSpace = 1;
    private const byte AsciiWord = 2;
    private const byte AsciiPunctuation = 3;
    private const byte AsciiSymbol = 4;

    private static readonly string[] Clitics = ["'s", "'re", "'ve", "'ll", "'d", "'m"];

    // The class of each ASCII character, computed once by the same rules as any other character, so the common case
    // is one table read instead of a Unicode category lookup per character.
    private static readonly byte[] AsciiClasses = [.. Enumerable.Range(0, 128).Select(c => ClassOf(new Rune(c)))];

    /// <summary>Tokenises <paramref name="normalized"/> into <paramref name="output"/>; returns true when tokens past <paramref name="maxTokens"/> were dropped.</summary>
    public static bool Tokenize(string normalized, int maxTokens, bool markNegation, List<Token> output)
    {
        var buffer = new TokenBuffer();
        bool truncated = Tokenize(normalized, maxTokens, markNegation, buffer);
        output.Clear();
        for (int t = 0; t < buffer.Count; t++)
        {
            output.Add(new Token(buffer.Text(t).ToString(), buffer.Kind(t), buffer.Negated(t)));
        }

        return truncated;
    }

    /// <summary>Tokenises into a reused buffer without a string per token; returns true when tokens past <paramref name="maxTokens"/> were dropped.</summary>
    public static bool Tokenize(ReadOnlySpan<char> normalized, int maxTokens, bool markNegation, TokenBuffer output)
    {
        output.Clear();
        bool truncated = false;
        bool negated = false;
        int i = 0;
        while (i < normalized.Length)
        {
            if (output.Count >= maxTokens)
            {
                truncated = HasMoreTokens(normalized, i);
                break;
            }

            char c = normalized[i];
            if (c < 0x80)
            {
                byte asciiClass = AsciiClasses[c];
                if (asciiClass == AsciiWord)
                {
                    int wordEnd = WordEnd(normalized, i);
                    EmitWord(normalized[i..wordEnd], output, markNegation, ref negated);
                    i = wordEnd;
                }
                else
                {
                    if (asciiClass != AsciiSpace)
                    {
                        Emit(normalized.Slice(i, 1), asciiClass == AsciiPunctuation ? TokenKind.Punctuation : TokenKind.Symbol, output, markNegation, ref negated);
                    }

                    i++;
                }

                continue;
            }

            var rune = RuneAt(normalized, i);
            if (Rune.IsWhiteSpace(rune))
            {
                i += rune.Utf16SequenceLength;
                continue;
            }

            if (IsSingleRuneWord(rune) || !IsWordRune(rune))
            {
                var kind = IsSingleRuneWord(rune) ? TokenKind.Word : IsPunctuation(rune) ? TokenKind.Punctuation : TokenKind.Symbol;
                Emit(normalized.Slice(i, rune.Utf16SequenceLength), kind, output, markNegation, ref negated);
                i += rune.Utf16SequenceLength;
                continue;
            }

            int end = WordEnd(normalized, i);
            EmitWord(normalized[i..end], output, markNegation, ref negated);
            i = end;
        }

        if (output.Count > maxTokens)
        {
            output.Truncate(maxTokens);
            truncated = true;
        }

        return truncated;
    }

    private static void EmitWord(ReadOnlySpan<char> word, TokenBuffer output, bool markNegation, ref bool negated)
    {
        int apostrophe = word.IndexOf('\'');
        if (apostrophe > 0)
        {
            if (word.Length > 3 && word.EndsWith("n't", StringComparison.Ordinal))
            {
                var stem = word[..^3] switch
                {
                    "ca" => "can",
                    "wo" => "will",
                    "sha" => "shall",
                    var s => s,
                };
                Emit(stem, TokenKind.Word, output, markNegation, ref negated);
                Emit("n't", TokenKind.Word, output, markNegation, ref negated);
                return;
            }

            foreach (string clitic in Clitics)
            {
                if (word.Length > clitic.Length && word.EndsWith(clitic, StringComparison.Ordinal) && word.LastIndexOf('\'') == word.Length - clitic.Length)
                {
                    Emit(word[..^clitic.Length], TokenKind.Word, output, markNegation, ref negated);
                    Emit(clitic, TokenKind.Word, output, markNegation, ref negated);
                    return;
                }
            }
        }

        Emit(word, TokenKind.Word, output, markNegation, ref negated);
    }

    private static void Emit(ReadOnlySpan<char> text, TokenKind kind, TokenBuffer output, bool markNegation, ref bool negated)
    {
        if (!markNegation)
        {
            output.Add(text, kind, false);
            return;
        }

        if (kind == TokenKind.Punctuation)
        {
            negated = false;
            output.Add(text, kind, false);
        }
        else if (kind == TokenKind.Word && IsNegationTrigger(text))
        {
            output.Add(text, kind, false);
            negated = true;
        }
        else
        {
            output.Add(text, kind, negated && kind == TokenKind.Word);
        }
    }

    private static bool IsNegationTrigger(ReadOnlySpan<char> word) => word is "not" or "no" or "never" or "n't" or "cannot" or "nothing"
        or "nobody" or "none" or "nor" or "neither" or "nowhere" or "without";

    // Normalised text holds no lone surrogates (NFKC turns them into U+FFFD), so decoding never fails here.
    private static Rune RuneAt(ReadOnlySpan<char> s, int i)
    {
        char c = s[i];
        if (!char.IsSurrogate(c))
        {
            return new Rune(c);
        }

        Rune.DecodeFromUtf16(s[i..], out var rune, out _);
        return rune;
    }

    // A word runs over letters, digits and marks, and over one ' or - (or . , between digits) joining two of them.
    private static int WordEnd(ReadOnlySpan<char> s, int start)
    {
        int i = start;
        while (i < s.Length)
        {
            char c = s[i];
            if (c < 0x80)
            {
                if (AsciiClasses[c] == AsciiWord)
                {
                    i++;
                    continue;
                }
            }
            else
            {
                var rune = RuneAt(s, i);
                if (IsWordRune(rune) && !IsSingleRuneWord(rune))
                {
                    i += rune.Utf16SequenceLength;
                    continue;
                }
            }

            bool joiner = c is '\'' or '-' || (c is '.' or ',' && i > start && char.IsAsciiDigit(s[i - 1]));
            if (joiner && i + 1 < s.Length && i > start)
            {
                var next = RuneAt(s, i + 1);
                bool nextOk = c is '.' or ',' ? next.IsAscii && char.IsAsciiDigit((char)next.Value) : IsWordRune(next) && !IsSingleRuneWord(next);
                if (nextOk)
                {
                    i++;
                    continue;
                }
            }

            break;
        }

        return i;
    }

    private static byte ClassOf(Rune rune) => Rune.IsWhiteSpace(rune) ? AsciiSpace
        : IsSingleRuneWord(rune) || IsWordRune(rune) ? AsciiWord
        : IsPunctuation(rune) ? AsciiPunctuation
        : AsciiSymbol;

    private static bool HasMoreTokens(ReadOnlySpan<char> s, int from)
    {
        for (int i = from; i < s.Length; i++)
        {
            if (!char.IsWhiteSpace(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.ConnectorPunctuation => true,
        _ => false,
    };

    // Scripts written without spaces between words: every character is its own token.
    private static bool IsSingleRuneWord(Rune rune) => rune.Value switch
    {
        >= 0x0E00 and <= 0x0EFF => true,   // Thai, Lao
        >= 0x3040 and <= 0x30FF => true,   // Hiragana, Katakana
        >= 0x3400 and <= 0x4DBF => true,   // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0xF900 and <= 0xFAFF => true,   // CJK compatibility ideographs
        >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and later
        _ => false,
    };

    private static bool IsPunctuation(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation => true,
        _ => false,
    };
}
