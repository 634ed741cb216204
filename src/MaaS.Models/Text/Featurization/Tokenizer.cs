namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Splits normalised text into words, punctuation and symbols; splits English contractions (doesn't → does n't,
/// it's → it 's) and marks negation scopes (words after not / n't / never / no ... up to the next punctuation).
/// Thread-safe (stateless).
/// </summary>
internal static class Tokenizer
{
    private static readonly HashSet<string> NegationTriggers = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "n't", "cannot", "nothing", "nobody", "none", "nor", "neither", "nowhere", "without",
    };

    private static readonly string[] Clitics = ["'s", "'re", "'ve", "'ll", "'d", "'m"];

    /// <summary>Tokenises <paramref name="normalized"/> into <paramref name="output"/>; returns true when tokens past <paramref name="maxTokens"/> were dropped.</summary>
    public static bool Tokenize(string normalized, int maxTokens, bool markNegation, List<Token> output)
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

            var rune = Rune.GetRuneAt(normalized, i);
            if (Rune.IsWhiteSpace(rune))
            {
                i += rune.Utf16SequenceLength;
                continue;
            }

            if (IsSingleRuneWord(rune))
            {
                Emit(new Token(rune.ToString(), TokenKind.Word, false));
                i += rune.Utf16SequenceLength;
                continue;
            }

            if (IsWordRune(rune))
            {
                int end = WordEnd(normalized, i);
                EmitWord(normalized[i..end]);
                i = end;
                continue;
            }

            var kind = IsPunctuation(rune) ? TokenKind.Punctuation : TokenKind.Symbol;
            Emit(new Token(rune.ToString(), kind, false));
            i += rune.Utf16SequenceLength;
        }

        if (output.Count > maxTokens)
        {
            output.RemoveRange(maxTokens, output.Count - maxTokens);
            truncated = true;
        }

        return truncated;

        void EmitWord(string word)
        {
            int apostrophe = word.IndexOf('\'');
            if (apostrophe > 0)
            {
                if (word.Length > 3 && word.EndsWith("n't", StringComparison.Ordinal))
                {
                    string stem = word[..^3] switch
                    {
                        "ca" => "can",
                        "wo" => "will",
                        "sha" => "shall",
                        var s => s,
                    };
                    Emit(new Token(stem, TokenKind.Word, false));
                    Emit(new Token("n't", TokenKind.Word, false));
                    return;
                }

                foreach (string clitic in Clitics)
                {
                    if (word.Length > clitic.Length && word.EndsWith(clitic, StringComparison.Ordinal) && word.LastIndexOf('\'') == word.Length - clitic.Length)
                    {
                        Emit(new Token(word[..^clitic.Length], TokenKind.Word, false));
                        Emit(new Token(clitic, TokenKind.Word, false));
                        return;
                    }
                }
            }

            Emit(new Token(word, TokenKind.Word, false));
        }

        void Emit(Token token)
        {
            if (!markNegation)
            {
                output.Add(token);
                return;
            }

            if (token.Kind == TokenKind.Punctuation)
            {
                negated = false;
                output.Add(token);
            }
            else if (token.Kind == TokenKind.Word && NegationTriggers.Contains(token.Text))
            {
                output.Add(token);
                negated = true;
            }
            else
            {
                output.Add(token with { Negated = negated && token.Kind == TokenKind.Word });
            }
        }
    }

    // A word runs over letters, digits and marks, and over one ' or - (or . , between digits) joining two of them.
    private static int WordEnd(string s, int start)
    {
        int i = start;
        while (i < s.Length)
        {
            var rune = Rune.GetRuneAt(s, i);
            if (IsWordRune(rune) && !IsSingleRuneWord(rune))
            {
                i += rune.Utf16SequenceLength;
                continue;
            }

            char c = s[i];
            bool joiner = c is '\'' or '-' || (c is '.' or ',' && i > start && char.IsAsciiDigit(s[i - 1]));
            if (joiner && i + 1 < s.Length && i > start)
            {
                var next = Rune.GetRuneAt(s, i + 1);
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

    private static bool HasMoreTokens(string s, int from)
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
