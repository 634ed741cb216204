using MaaS.Services.Search.Suggest;

namespace MaaS.Services.Tests.Search.Suggest;

/// <summary>
/// Titles as a search box completes them: prefix and typo matching over every word of a title, the ranking's keys in
/// order (typos, whole word over prefix, the title's start, popularity, length), folding and highlights.
/// </summary>
public sealed class TitleIndexTests
{
    [Fact]
    public void Suggest_Prefix_FindsTitlesByAnyWord()
    {
        var index = Index(("m1", "Stranger Things"), ("m2", "The Thing"), ("m3", "Things We Lost"), ("m4", "Strange Days"));

        Assert.Equal(["m4", "m1"], Ids(index, "stra"));
        Assert.Equal(["m3", "m2", "m1"], Ids(index, "thin"));
        Assert.Equal(["m1"], Ids(index, "things str"));
    }

    [Fact]
    public void Suggest_EarlierWords_MustBeWholeWords()
    {
        var index = Index(("m1", "Stranger Things"), ("m2", "Strange Days"));

        Assert.Equal(["m1"], Ids(index, "stranger thi"));
        Assert.Empty(Ids(index, "stran thi"));
        Assert.Equal(["m1"], Ids(index, "strnger thi"));
    }

    [Fact]
    public void Suggest_TrailingSpace_EndsTheLastWord()
    {
        var index = Index(("m1", "Stranger Things"), ("m2", "Strangerland"));

        Assert.Equal(["m1", "m2"], Ids(index, "stranger"));
        Assert.Equal(["m1"], Ids(index, "stranger "));
    }

    [Fact]
    public void Suggest_Ranking_FewerTyposThenWholeWordThenStartThenPopularityThenLength()
    {
        var index = TitleIndex.Build(
            [
                Item("typo", "Strangor"),
                Item("prefix", "Strangerland"),
                Item("inside", "Tales of the Stranger"),
                Item("whole-long", "Stranger in a Strange Land"),
                Item("whole-short", "Stranger Tides"),
                Item("popular", "Stranger Than Paradise"),
            ],
            id => id == "popular" ? 5f : 0f);

        Assert.Equal(["popular", "whole-short", "whole-long", "inside", "prefix", "typo"], Ids(index, "stranger"));
    }

    [Fact]
    public void Suggest_Score_OrdersAsTheRanking()
    {
        var index = Index(("m1", "Stranger Things"), ("m2", "The Stranger"), ("m3", "Strangers"), ("m4", "Strangor"));

        var best = Suggest(index, "stranger", 10);

        Assert.Equal([1f, 0.8f, 1f / 1.5f, 0.5f], best.Select(SuggestRanking.Score));
        Assert.Equal(["m1", "m2", "m3", "m4"], best.Select(m => m.Item.ItemId));
    }

    [Fact]
    public void Suggest_Folding_IgnoresCaseAccentsAndPunctuation()
    {
        var index = Index(("m1", "Amélie"), ("m2", "Pokémon: Let's Go!"), ("m3", "Ame\u0301lie decomposed"));

        Assert.Equal(["m1", "m3"], Ids(index, "AMELIE"));
        Assert.Equal(["m1", "m3"], Ids(index, "amé"));
        Assert.Equal(["m2"], Ids(index, "pokemon let"));
        Assert.Equal(["m2"], Ids(index, "pokémon, let's"));
    }

    [Fact]
    public void Suggest_KindAndRemoved_PassTitlesOver()
    {
        var index = TitleIndex.Build([Item("m1", "Halo"), Item("g1", "Halo", ItemKind.Game), Item("m2", "Halo Legends")], null);
        var removed = new bool[index.Count];
        removed[0] = true;

        var games = new List<TitleMatch>();
        index.Suggest(["halo"], true, 5, ItemKind.Game, null, games);
        var kept = new List<TitleMatch>();
        index.Suggest(["halo"], true, 5, null, removed, kept);

        Assert.Equal(["g1"], games.Select(m => m.Item.ItemId));
        Assert.Equal(["g1", "m2"], kept.Select(m => m.Item.ItemId));
    }

    [Fact]
    public void Suggest_Count_KeepsTheBest()
    {
        var index = TitleIndex.Build([.. Enumerable.Range(0, 50).Select(i => Item($"m{i:D2}", $"Star {i}"))], id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["m49", "m48", "m47"], Ids(index, "sta", 3));
    }

    [Theory]
    [InlineData("stra", "Stranger Things", "[0,4]")]
    [InlineData("things str", "Stranger Things", "[0,3] [9,6]")]
    [InlineData("strnger", "Stranger Things", "[0,8]")]
    [InlineData("strn", "Stranger Things", "[0,5]")]
    [InlineData("ame", "Amélie", "[0,3]")]
    [InlineData("amel", "Ame\u0301lie", "[0,5]")]
    [InlineData("lie", "Ame\u0301lie lie", "[8,3]")]
    [InlineData("the th", "The Thing", "[0,3] [4,2]")]
    public void Highlight_MarksWhatWasTyped(string query, string title, string spans)
    {
        var index = Index(("m1", title));
        var valid = TitleSuggestions.Validate(query, null, null, ["q"]).Value;

        var found = index.Highlight(0, valid.Words, valid.LastIsPrefix);

        Assert.Equal(spans, string.Join(' ', found.Select(s => $"[{s[0]},{s[1]}]")));
    }

    [Theory]
    [InlineData(null, null, null, "q")]
    [InlineData("  ", null, null, "q")]
    [InlineData("a", 0, null, "count")]
    [InlineData("a", 21, null, "count")]
    [InlineData("a", null, "book", "kind")]
    public void Validate_BadParameter_IsNamed(string? q, int? count, string? kind, string field)
    {
        var result = TitleSuggestions.Validate(q, count, kind, ["q"]);

        Assert.False(result.IsSuccess);
        Assert.Equal([field], result.Error!.Problems.Select(p => p.Field));
    }

    [Fact]
    public void Validate_UnknownParameterAndLongQuery_AreBothListed()
    {
        var result = TitleSuggestions.Validate(new string('a', SuggestLimits.MaxQueryLength + 1), null, null, ["q", "limit"]);

        Assert.Equal(["limit", "q"], result.Error!.Problems.Select(p => p.Field));
    }

    private static CatalogItem Item(string id, string title, ItemKind kind = ItemKind.Movie) => new(id, kind, title, [], []);

    private static TitleIndex Index(params (string Id, string Title)[] titles) => TitleIndex.Build([.. titles.Select(t => Item(t.Id, t.Title))], null);

    private static List<TitleMatch> Suggest(TitleIndex index, string query, int count)
    {
        var valid = TitleSuggestions.Validate(query, count, null, ["q"]).Value;
        var best = new List<TitleMatch>();
        index.Suggest(valid.Words, valid.LastIsPrefix, count, null, null, best);
        return best;
    }

    private static List<string> Ids(TitleIndex index, string query, int count = 10) => [.. Suggest(index, query, count).Select(m => m.Item.ItemId)];
}
