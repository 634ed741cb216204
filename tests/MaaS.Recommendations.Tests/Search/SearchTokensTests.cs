namespace MaaS.Recommendations.Tests.Search;

/// <summary>The tokens with their spans fold as BM25's tokens do, on hand-picked cases and on every real Netflix title.</summary>
public sealed class SearchTokensTests
{
    [Theory]
    [InlineData("Café  Crème-BRÛLÉE #2", "cafe@0+4 creme@6+5 brulee@12+6 2@20+1")]
    [InlineData("Ame\u0301lie!", "amelie@0+7")]
    [InlineData("  ,;! ", "")]
    [InlineData("Pokémon: Let's Go", "pokemon@0+7 let@9+3 s@13+1 go@15+2")]
    public void Words_Spans_CoverTheOriginalCharacters(string text, string expected)
    {
        var words = SearchTokens.Words(text);

        Assert.Equal(expected, string.Join(' ', words.Select(w => $"{w.Text}@{w.Start}+{w.Length}")));
        Assert.Equal(SearchTokens.Of(text), words.Select(w => w.Text));
    }

    [Fact]
    public void Words_NetflixTitles_FoldAsOf()
    {
        string folder = SharedData.Require("content", "netflix_titles.csv");
        var titles = MaaS.Models.Text.Data.ContentCorpus.ReadTitles(folder);

        Assert.True(titles.Count > 8_000, $"{titles.Count} titles");
        Assert.All(titles, t => Assert.Equal(SearchTokens.Of(t.Title), SearchTokens.Words(t.Title).Select(w => w.Text)));
    }

    [Theory]
    [InlineData("Amélie", 0, 3, 3)]
    [InlineData("Ame\u0301lie", 0, 3, 4)]
    [InlineData("Ame\u0301lie", 0, 4, 5)]
    [InlineData("The Thing", 4, 2, 2)]
    public void OriginalLength_CountsTheCharactersFolded(string text, int start, int folded, int length) =>
        Assert.Equal(length, SearchTokens.OriginalLength(text, start, folded));
}
