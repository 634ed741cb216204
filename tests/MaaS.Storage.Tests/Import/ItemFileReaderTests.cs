using MaaS.Storage.Import;

namespace MaaS.Storage.Tests.Import;

public sealed class ItemFileReaderTests
{
    private const string NetflixMap = "id=show_id,title=title,text=description,genres=listed_in,kind=type";

    [Fact]
    public void Read_CsvWithQuotedCommasQuotesAndLineBreaks_EveryFieldIntact()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "items.csv");
        File.WriteAllText(path, "show_id,type,title,listed_in,description\n" +
            "s1,Movie,\"Dick Johnson Is Dead\",Documentaries,\"A \"\"true\"\" story,\nin two lines.\"\n" +
            "s2,TV Show,Blood & Water,\"International TV Shows, TV Dramas\",Cape Town.\n");

        var items = ItemFileReader.Read(path, ItemFieldMap.Parse(NetflixMap).Value, ItemKind.Game).Value;

        Assert.Equal(["s1", "s2"], items.Select(i => i.ItemId));
        // A line break inside a field is read as a space: the store refuses control characters.
        Assert.Equal("A \"true\" story, in two lines.", items[0].Text);
        Assert.Equal(ItemKind.Movie, items[0].Kind);
        // "TV Show" is no kind of the catalogue: the default applies.
        Assert.Equal(ItemKind.Game, items[1].Kind);
        Assert.Equal(["International TV Shows", "TV Dramas"], items[1].Genres);
        Assert.Empty(items[1].Tags);
    }

    [Fact]
    public void Read_JsonLines_ArraysKeepCommasAndStringsSplit()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "items.jsonl");
        File.WriteAllText(path, """
            {"sku":"g1","name":"Star Quest","kind":"game","genres":["Action, Adventure","RPG"],"tags":"space, co-op"}

            {"sku":"g2","name":"Tetra","kind":null,"genres":[]}
            """);

        var items = ItemFileReader.Read(path, ItemFieldMap.Parse("id=sku,title=name,genres=genres,tags=tags,kind=kind").Value, ItemKind.Song).Value;

        Assert.Equal(["Action, Adventure", "RPG"], items[0].Genres);
        Assert.Equal(["space", "co-op"], items[0].Tags);
        Assert.Equal((ItemKind.Game, ItemKind.Song), (items[0].Kind, items[1].Kind));
        Assert.Null(items[1].Text);
    }

    [Theory]
    [InlineData("title=title", "map")]
    [InlineData("id=show_id,title=title,rating=rating", "map")]
    [InlineData("id=missing_column,title=title", "missing_column")]
    public void Read_BadMapOrMissingId_ErrorNamesIt(string map, string field)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "items.csv");
        File.WriteAllText(path, "show_id,title\ns1,One\n");

        var parsed = ItemFieldMap.Parse(map);
        var error = parsed.IsSuccess ? ItemFileReader.Read(path, parsed.Value, ItemKind.Movie).Error! : parsed.Error!;

        Assert.Equal(field, Assert.Single(error.Problems).Field);
    }

    [Fact]
    public void Read_NetflixTitles_AllRows()
    {
        string folder = SharedData.Require("content", "netflix_titles.csv");

        var items = ItemFileReader.Read(Path.Combine(folder, "netflix_titles.csv"), ItemFieldMap.Parse(NetflixMap).Value, ItemKind.Movie).Value;

        Assert.Equal(8_807, items.Count);
        Assert.Equal(items.Count, items.Select(i => i.ItemId).Distinct().Count());
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.Text), i.ItemId));
        Assert.All(items, i => Assert.InRange(i.Genres.Count, 1, 3));
        Assert.Equal("Dick Johnson Is Dead", items[0].Title);
        Assert.Equal("The Memphis Belle: A Story of a Flying Fortress", items.Single(i => i.ItemId == "s8420").Title);
        Assert.All(items, i => Assert.DoesNotContain(i.Title + i.Text, char.IsControl));
    }
}
