namespace MaaS.Cli.Tests.Commands;

public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task ImportMovieLens_SmallCsvRelease_CountsRowsStoresThemAndRerunAddsNothing()
    {
        string release = WriteCsvRelease();
        string database = _temp["maas.db"];
        string[] import = ["import", "movielens", release, "--sqlite", database, "--tenant", "acme", "--batch-size", "2"];

        var first = await MaasCli.RunAsync(import);
        var second = await MaasCli.RunAsync(import);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Imported 3 movies and 5 ratings (5 new)", first.Output);
        Assert.Contains("skipped 1 malformed line(s)", first.Error);
        Assert.Contains("ratings.csv:5", first.Error);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Imported 3 movies and 5 ratings (0 new)", second.Output);
        var ct = TestContext.Current.CancellationToken;
        await using var storage = await TestStorage.OpenSqliteAsync(database);
        var events = new List<MaaS.Storage.Abstractions.InteractionEvent>();
        await foreach (var page in storage.Events.StreamAllAsync("acme", cancellationToken: ct))
        {
            events.AddRange(page);
        }

        Assert.Equal(["ml:1:10", "ml:1:20", "ml:2:10", "ml:2:30", "ml:3:20"], events.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(4.5f, events.Single(e => e.EventId == "ml:2:30").Value);
        Assert.Equal(3, (await storage.Catalog.CountAsync("acme", ct)).Value);
        Assert.Equal("Heat, The (1995)", (await storage.Catalog.GetAsync("acme", "20", ct)).Value.Title);
        Assert.Equal(0, (await storage.Catalog.CountAsync("default", ct)).Value);
    }

    [Fact]
    public async Task ImportMovieLens_MissingFolder_ExitCode2AndMessageNamingIt()
    {
        string missing = _temp["no-such-release"];

        var run = await MaasCli.RunAsync("import", "movielens", missing, "--sqlite", _temp["maas.db"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(missing, run.Error);
        Assert.False(File.Exists(_temp["maas.db"]), "a store was created for an import that could not start");
    }

    [Fact]
    public async Task ImportMovieLens_FolderWithoutKnownLayout_ExitCode2AndMessageListingLayouts()
    {
        Directory.CreateDirectory(_temp["empty"]);

        var run = await MaasCli.RunAsync("import", "movielens", _temp["empty"], "--sqlite", _temp["maas.db"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("ratings.csv", run.Error);
    }

    [Fact]
    public async Task ImportItems_JsonLinesWithMap_StoresMappedItemsAndBadMapIsExitCode2()
    {
        string file = _temp["items.jsonl"];
        await File.WriteAllTextAsync(file, """
            {"sku":"g1","name":"Star Quest","genres":["Action","RPG"],"blurb":"Fly between stars."}
            {"sku":"g2","name":"Tetra","genres":"Puzzle"}
            """, TestContext.Current.CancellationToken);
        string database = _temp["items.db"];

        var run = await MaasCli.RunAsync("import", "items", file, "--map", "id=sku,title=name,genres=genres,text=blurb", "--kind", "game", "--sqlite", database);
        var bad = await MaasCli.RunAsync("import", "items", file, "--map", "title=name", "--sqlite", database);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Imported 2 items", run.Output);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("id=", bad.Error);
        // A problem of no row is listed without a row mark ("#-1" or a bare "#" before).
        Assert.Contains("(map id=", bad.Error);
        var ct = TestContext.Current.CancellationToken;
        await using var storage = await TestStorage.OpenSqliteAsync(database);
        var star = (await storage.Catalog.GetAsync("default", "g1", ct)).Value;
        Assert.Equal(("Star Quest", MaaS.Storage.Abstractions.ItemKind.Game, "Fly between stars."), (star.Title, star.Kind, star.Text));
        Assert.Equal(["Action", "RPG"], star.Genres);
        Assert.Equal(["Puzzle"], (await storage.Catalog.GetAsync("default", "g2", ct)).Value.Genres);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>ml-latest layout: 3 movies (one title quoted for its comma), 5 ratings and one malformed line.</summary>
    private string WriteCsvRelease()
    {
        string folder = Directory.CreateDirectory(_temp["ml-tiny"]).FullName;
        File.WriteAllText(Path.Combine(folder, "movies.csv"), """
            movieId,title,genres
            10,Toy Story (1995),Animation|Children's|Comedy
            20,"Heat, The (1995)",Action|Crime|Thriller
            30,Casino (1995),Drama
            """);
        File.WriteAllText(Path.Combine(folder, "ratings.csv"), """
            userId,movieId,rating,timestamp
            1,10,4.0,964982703
            1,20,3.5,964981247
            2,10,5.0,964982224
            2,x,5.0,964982224
            2,30,4.5,964983815
            3,20,2.0,964982931
            """);
        return folder;
    }
}
