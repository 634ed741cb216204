namespace MaaS.Models.Tests.Text.Featurization;

public sealed class TokenizerTests
{
    [Theory]
    [InlineData("it doesn't work", "it does n't NEG_work")]
    [InlineData("i can't stand it , really", "i can n't NEG_stand NEG_it , really")]
    [InlineData("won't", "will n't")]
    [InlineData("it's the film's best", "it 's the film 's best")]
    [InlineData("you're right", "you 're right")]
    [InlineData("o'brien", "o'brien")]
    public void Tokenize_Contractions_SplitIntoStemAndClitic(string text, string expected)
    {
        Assert.Equal(expected, Forms(text));
    }

    [Theory]
    [InlineData("not good . good", "not NEG_good . good")]
    [InlineData("never boring, always fun", "never NEG_boring , always fun")]
    [InlineData("no plot and no heart !", "no NEG_plot NEG_and no NEG_heart !")]
    [InlineData("without a doubt; great", "without NEG_a NEG_doubt ; great")]
    public void Tokenize_Negation_MarksWordsUntilPunctuation(string text, string expected)
    {
        Assert.Equal(expected, Forms(text));
    }

    [Fact]
    public void Tokenize_NegationOff_MarksNothing()
    {
        Assert.Equal("not good", Forms("not good", markNegation: false));
    }

    [Theory]
    [InlineData("great!!", "great ! !")]
    [InlineData("(so-so) film...", "( so-so ) film . . .")]
    [InlineData("\"wow\",said", "\" wow \" , said")]
    [InlineData("rated 3.5/5", "rated 3.5 / 5")]
    [InlineData("'quoted'", "' quoted '")]
    public void Tokenize_Punctuation_SeparateTokens(string text, string expected)
    {
        Assert.Equal(expected, Forms(text));
    }

    [Theory]
    [InlineData("映画が好き", "映 画 が 好 き")]
    [InlineData("очень хороший фильм", "очень хороший фильм")]
    [InlineData("great 👍", "great 👍")]
    public void Tokenize_OtherScripts_WordsOrSingleCharacters(string text, string expected)
    {
        Assert.Equal(expected, Forms(text));
    }

    [Fact]
    public void Tokenize_OverTokenLimit_TruncatesAndFlags()
    {
        var tokens = new List<Token>();

        bool truncated = Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("word", 10)), 4, true, tokens);
        bool exact = Tokenizer.Tokenize("a b c d   ", 4, true, tokens);

        Assert.True(truncated);
        Assert.False(exact);
        Assert.Equal(4, tokens.Count);
    }

    private static string Forms(string text, bool markNegation = true)
    {
        var tokens = new List<Token>();
        Tokenizer.Tokenize(TextNormalizer.Normalize(text), 256, markNegation, tokens);
        return string.Join(' ', tokens.Select(t => t.Form));
    }
}
