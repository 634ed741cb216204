using MaaS.Storage.Seeding;
using MaaS.Storage.Validation;

namespace MaaS.Storage.Tests.Seeding;

public sealed class DemoSeedTests
{
    [Fact]
    public void Create_SameSeed_IdenticalData()
    {
        var a = DemoSeed.Create(42);
        var b = DemoSeed.Create(42);

        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Items.Select(Describe), b.Items.Select(Describe));
        Assert.Equal(a.Users.Select(u => u.UserId + string.Join('|', u.PreferredGenres)), b.Users.Select(u => u.UserId + string.Join('|', u.PreferredGenres)));
    }

    [Fact]
    public void Create_DifferentSeed_DifferentInteractions()
    {
        var a = DemoSeed.Create(42);
        var b = DemoSeed.Create(43);

        Assert.NotEqual(a.Events.Select(e => (e.UserId, e.ItemId)), b.Events.Select(e => (e.UserId, e.ItemId)));
    }

    [Fact]
    public void Create_Catalogue_HundredItemsPerKindWithGenresOfThatKind()
    {
        var data = DemoSeed.Create();

        Assert.Equal(300, data.Items.Count);
        Assert.Equal(300, data.Items.Select(i => i.ItemId).Distinct().Count());
        Assert.Equal(300, data.Items.Select(i => i.Title).Distinct().Count());
        foreach (var kind in new[] { ItemKind.Movie, ItemKind.Song, ItemKind.Game })
        {
            var ofKind = data.Items.Where(i => i.Kind == kind).ToList();
            Assert.Equal(DemoSeed.ItemsPerKind, ofKind.Count);
            Assert.All(ofKind, i => Assert.Subset(DemoVocabulary.Genres[kind].ToHashSet(), i.Genres.ToHashSet()));
            Assert.Equal(DemoVocabulary.Genres[kind].Order(), ofKind.SelectMany(i => i.Genres).Distinct().Order());
        }
        Assert.All(data.Items, i => Assert.InRange(i.Tags.Count, 2, 3));
        Assert.Null(InputValidator.Items(data.Items));
    }

    [Fact]
    public void Create_Events_ValidAndReferToCatalogueAndUsers()
    {
        var data = DemoSeed.Create();
        var itemIds = data.Items.Select(i => i.ItemId).ToHashSet();
        var userIds = data.Users.Select(u => u.UserId).ToHashSet();

        Assert.Equal(DemoSeed.UserCount, userIds.Count);
        Assert.InRange(data.Events.Count, DemoSeed.UserCount * 20, DemoSeed.UserCount * 60);
        Assert.Equal(data.Events.Count, data.Events.Select(e => e.EventId).Distinct().Count());
        Assert.All(data.Events, e => Assert.Contains(e.ItemId, itemIds));
        Assert.Equal(userIds, data.Events.Select(e => e.UserId).ToHashSet());
        Assert.True(data.Events.Zip(data.Events.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp), "events are in time order");
        Assert.All(data.Events, e => Assert.InRange(e.Timestamp, DemoSeed.Epoch, DemoSeed.Epoch.AddDays(90)));
        Assert.Null(InputValidator.Events(data.Events.Take(StorageLimits.MaxBatchSize).ToList()));
    }

    [Fact]
    public void Create_Users_MostlyInteractWithPreferredGenres()
    {
        var data = DemoSeed.Create();
        var items = data.Items.ToDictionary(i => i.ItemId);
        var preferred = data.Users.ToDictionary(u => u.UserId, u => u.PreferredGenres);

        bool OnPreferred(InteractionEvent e) => items[e.ItemId].Genres.Any(preferred[e.UserId].Contains);
        var overall = data.Events.Count(OnPreferred) / (double)data.Events.Count;
        var perUser = data.Events.GroupBy(e => e.UserId).Select(g => g.Count(OnPreferred) / (double)g.Count()).ToList();

        // 85 % are drawn from preferred genres, and some random picks land there too.
        Assert.InRange(overall, 0.80, 0.95);
        Assert.True(perUser.Count(f => f >= 0.6) >= 0.95 * perUser.Count, $"users at >= 60 %: {perUser.Count(f => f >= 0.6)} of {perUser.Count}");
        // Preferred-genre items get better ratings than the rest.
        var ratings = data.Events.Where(e => e.Type == "rate").ToLookup(OnPreferred, e => e.Value);
        Assert.True(ratings[true].Average() > ratings[false].Average() + 1, $"{ratings[true].Average()} vs {ratings[false].Average()}");
    }

    [Fact]
    public async Task Create_LoadedIntoSqlite_AllRowsStored()
    {
        using var folder = new TempFolder();
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = Path.Combine(folder.Path, "demo.db"), Durability = SqliteDurability.Normal },
            cancellationToken: TestContext.Current.CancellationToken);
        await using var storage = opened.Value;
        var data = DemoSeed.Create();

        await storage.Catalog.UpsertAsync(StorageLimits.DefaultTenant, data.Items, TestContext.Current.CancellationToken);
        foreach (var chunk in data.Events.Chunk(2_000))
        {
            Assert.True((await storage.Events.AppendAsync(StorageLimits.DefaultTenant, chunk, TestContext.Current.CancellationToken)).IsSuccess);
        }

        Assert.Equal(300, (await storage.Catalog.CountAsync(StorageLimits.DefaultTenant, TestContext.Current.CancellationToken)).Value);
        Assert.Equal(data.Events.Count, (await storage.Events.CountAsync(StorageLimits.DefaultTenant, TestContext.Current.CancellationToken)).Value);
        Assert.Equal(DemoSeed.UserCount, (await storage.Users.CountAsync(StorageLimits.DefaultTenant, TestContext.Current.CancellationToken)).Value);
    }

    private static string Describe(CatalogItem i) =>
        $"{i.ItemId}|{i.Kind}|{i.Title}|{string.Join(',', i.Genres)}|{string.Join(',', i.Tags)}|{i.Text}|{i.AvailableFrom}|{i.AvailableUntil}";
}
