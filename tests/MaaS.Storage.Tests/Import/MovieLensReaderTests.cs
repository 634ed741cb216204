using MaaS.Storage.Import;

namespace MaaS.Storage.Tests.Import;

public sealed class MovieLensReaderTests
{

    [Fact]
    public void Open_RealMl100k_ReadsEveryItemAndRating()
    {
        var reader = MovieLensReader.Open(SharedData.Require(Path.Combine("movielens", "ml-100k"))).Value;

        var items = reader.ReadItems().ToList();
        var ratings = reader.ReadRatings().ToList();

        Assert.Equal(MovieLensFormat.Ml100k, reader.Format);
        Assert.Equal(1682, items.Count);
        Assert.Equal(100_000, ratings.Count);
        Assert.Equal(0, reader.MalformedLines);
        var toyStory = items[0];
        Assert.Equal(("1", "Toy Story (1995)", ItemKind.Movie), (toyStory.ItemId, toyStory.Title, toyStory.Kind));
        Assert.Equal(["Animation", "Children's", "Comedy"], toyStory.Genres);
        Assert.Equal(new DateOnly(1995, 1, 1), toyStory.AvailableFrom);
        // ISO-8859-1: 0xE9 must decode to 'é', not a replacement character.
        Assert.Equal("Misérables, Les (1995)", items.Single(i => i.ItemId == "543").Title);
        Assert.Equal(new InteractionEvent("ml:196:242", "196", "242", "rate", 3f, DateTimeOffset.FromUnixTimeSeconds(881250949)), ratings[0]);
        Assert.Equal(943, ratings.Select(r => r.UserId).Distinct().Count());
        Assert.Equal(100_000, ratings.Select(r => r.EventId).Distinct().Count());
        Assert.Equal([6_110, 11_370, 27_145, 34_174, 21_201], ratings.GroupBy(r => r.Value).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public async Task ImportAsync_RealMl100kTwice_SecondRunInsertsNothing()
    {
        var reader = MovieLensReader.Open(SharedData.Require(Path.Combine("movielens", "ml-100k"))).Value;
        using var folder = new TempFolder();
        await using var storage = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(folder.Path, "ml.db") }, cancellationToken: Ct)).Value;
        long lastProgress = 0;
        var progress = new SynchronousProgress(n => lastProgress = n);

        var first = await MovieLensImporter.ImportAsync(reader, storage, "ml", 10_000, progress, Ct);
        var second = await MovieLensImporter.ImportAsync(reader, storage, "ml", 10_000, null, Ct);

        Assert.Equal(new MovieLensImportResult(1682, 100_000, 100_000, 0), first.Value);
        Assert.Equal(new MovieLensImportResult(1682, 100_000, 0, 0), second.Value);
        Assert.Equal(100_000, lastProgress);
        Assert.Equal(100_000, (await storage.Events.CountAsync("ml", Ct)).Value);
        Assert.Equal(943, (await storage.Users.CountAsync("ml", Ct)).Value);
        Assert.Equal(1682, (await storage.Catalog.CountAsync("ml", Ct)).Value);
    }

    [Fact]
    public void Open_CsvLayout_ParsesQuotedTitlesGenresTagsAndSkipsBadLines()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "movies.csv"),
            "movieId,title,genres\n" +
            "1,Toy Story (1995),Adventure|Animation|Children\n" +
            "11,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
            "12,\"Dracula: Dead and \"\"Loving\"\" It (1995)\",Comedy|Horror\n" +
            "13,Amélie (2001),(no genres listed)\n" +
            "x,Broken,Drama\n");
        File.WriteAllText(Path.Combine(folder.Path, "ratings.csv"),
            "userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,11,3.5,964981247\r\n2,12,0.5,1445714835\r\nnot,a,rating,line\r\n");
        File.WriteAllText(Path.Combine(folder.Path, "tags.csv"),
            "userId,movieId,tag,timestamp\n2,1,pixar,1445714994\n3,1,Pixar,1445714995\n4,1,\"toys, fun\",1445714996\n5,11,politics,1445714997\n");

        var reader = MovieLensReader.Open(folder.Path).Value;
        var items = reader.ReadItems().ToList();
        var ratings = reader.ReadRatings().ToList();

        Assert.Equal(MovieLensFormat.Csv, reader.Format);
        Assert.Equal(["1", "11", "12", "13"], items.Select(i => i.ItemId));
        Assert.Equal("American President, The (1995)", items[1].Title);
        Assert.Equal("Dracula: Dead and \"Loving\" It (1995)", items[2].Title);
        Assert.Equal("Amélie (2001)", items[3].Title);
        Assert.Equal(["Adventure", "Animation", "Children"], items[0].Genres);
        Assert.Empty(items[3].Genres);
        Assert.Equal(["pixar", "toys, fun"], items[0].Tags);
        Assert.Equal(["politics"], items[1].Tags);
        Assert.Equal([4f, 3.5f, 0.5f], ratings.Select(r => r.Value));
        Assert.Equal(new InteractionEvent("ml:2:12", "2", "12", "rate", 0.5f, DateTimeOffset.FromUnixTimeSeconds(1445714835)), ratings[2]);
        Assert.Equal(2, reader.MalformedLines);
        Assert.Equal(["movies.csv:6: expected movieId,title,genres", "ratings.csv:5: expected user, movie, rating, unix seconds"], reader.MalformedSamples);
    }

    [Fact]
    public void Open_DatLayoutInLatin1_ParsesDoubleColonFields()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "movies.dat"),
            Encoding.Latin1.GetBytes("1::Toy Story (1995)::Animation|Children's|Comedy\n2::Misérables, Les (1995)::Drama|Musical|War\n"));
        File.WriteAllText(Path.Combine(folder.Path, "ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::2\n");

        var reader = MovieLensReader.Open(folder.Path).Value;
        var items = reader.ReadItems().ToList();
        var ratings = reader.ReadRatings().ToList();

        Assert.Equal(MovieLensFormat.Dat, reader.Format);
        Assert.Equal("Misérables, Les (1995)", items[1].Title);
        Assert.Equal(["Drama", "Musical", "War"], items[1].Genres);
        Assert.Equal(new InteractionEvent("ml:1:1193", "1", "1193", "rate", 5f, DateTimeOffset.FromUnixTimeSeconds(978300760)), ratings[0]);
        Assert.Equal(2, ratings.Count);
        Assert.Equal(1, reader.MalformedLines);
    }

    [Fact]
    public void Open_DatLayoutInUtf8_DecodesUtf8()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "movies.dat"), "7::Amélie (2001)::Comedy|Romance\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder.Path, "ratings.dat"), "");

        var reader = MovieLensReader.Open(folder.Path).Value;

        Assert.Equal("Amélie (2001)", Assert.Single(reader.ReadItems()).Title);
        Assert.Empty(reader.ReadRatings());
    }

    [Fact]
    public void Open_FolderWithoutKnownLayout_NotFound()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "ratings.csv"), "userId,movieId,rating,timestamp\n");

        Assert.Equal(ErrorCode.NotFound, MovieLensReader.Open(folder.Path).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, MovieLensReader.Open(Path.Combine(folder.Path, "missing")).Error?.Code);
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
