namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The catalogue change feed every <see cref="IStorage"/> must keep: item deletes, the changes since a sequence in
/// order, the latest sequence, and the wake-up of a waiting reader. Each provider derives once.
/// </summary>
public abstract class CatalogChangeFeedContractTests(IStorageSource source) : StorageTestBase(source)
{
    [Fact]
    public async Task GetChangesAsync_UpsertsThenReplaceAndDelete_EachItemOnceAtItsLatestChangeInSequenceOrder()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("a"), Item("b"), Item("c")], Ct);
        await Storage.Catalog.UpsertAsync(Tenant, [Item("b", title: "second")], Ct);
        Assert.True((await Storage.Catalog.DeleteAsync(Tenant, "a", Ct)).Value);

        var changes = (await Storage.Catalog.GetChangesAsync(Tenant, 0, 100, Ct)).Value;

        Assert.Equal(["c", "b", "a"], changes.Select(c => c.ItemId));
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.Equal(3, changes.Select(c => c.Sequence).Distinct().Count());
        Assert.Equal("Title c", changes[0].Item?.Title);
        Assert.Equal("second", changes[1].Item?.Title);
        Assert.Equal(Item("b").Genres, changes[1].Item!.Genres);
        Assert.True(changes[2].IsDeletion, $"a was deleted, the feed says {changes[2]}");
        Assert.Equal(changes[^1].Sequence, (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value);
    }

    [Fact]
    public async Task Embeddings_PutReplacedReadAndDeletedWithTheItem_StayOutOfTheFeed()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("a"), Item("b")], Ct);
        long head = (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value;
        float[] first = [0.5f, -0.25f, float.Epsilon, 1e30f];
        await Storage.Catalog.PutEmbeddingsAsync(Tenant, [new("a", "m", 1, "h1", first), new("b", "m", 1, "h1", [1, 2, 3, 4]), new("a", "other", 7, "h", [9, 9, 9, 9])], Ct);
        var put = await Storage.Catalog.PutEmbeddingsAsync(Tenant, [new("b", "m", 2, "h2", [4, 3, 2, 1])], Ct);

        var stored = (await Storage.Catalog.GetEmbeddingsAsync(Tenant, "m", Ct)).Value.OrderBy(e => e.ItemId, StringComparer.Ordinal).ToList();
        Assert.True((await Storage.Catalog.DeleteAsync(Tenant, "a", Ct)).Value);
        var afterDelete = (await Storage.Catalog.GetEmbeddingsAsync(Tenant, "m", Ct)).Value;

        Assert.Equal(1, put.Value);
        Assert.Equal(["a", "b"], stored.Select(e => e.ItemId));
        Assert.Equal(first, stored[0].Vector);
        Assert.Equal((1L, "h1"), (stored[0].Version, stored[0].TextHash));
        Assert.Equal((2L, "h2"), (stored[1].Version, stored[1].TextHash));
        Assert.Equal([4f, 3, 2, 1], stored[1].Vector);
        Assert.Equal("b", Assert.Single(afterDelete).ItemId);
        Assert.Empty((await Storage.Catalog.GetEmbeddingsAsync("other-tenant", "m", Ct)).Value);
        // Writing embeddings is no catalogue change: only the delete moved the feed.
        Assert.Equal(head + 1, (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value);
    }

    [Fact]
    public async Task GetChangesAsync_PagedFromALastSequence_EveryChangeOnceAndOnlyLaterOnes()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [.. Enumerable.Range(0, 7).Select(i => Item($"i{i}"))], Ct);
        var all = (await Storage.Catalog.GetChangesAsync(Tenant, 0, 100, Ct)).Value;

        var paged = new List<CatalogChange>();
        long after = 0;
        while ((await Storage.Catalog.GetChangesAsync(Tenant, after, 3, Ct)).Value is { Count: > 0 } page)
        {
            Assert.InRange(page.Count, 1, 3);
            paged.AddRange(page);
            after = page[^1].Sequence;
        }

        await Storage.Catalog.UpsertAsync(Tenant, [Item("late")], Ct);
        var later = (await Storage.Catalog.GetChangesAsync(Tenant, after, 100, Ct)).Value;

        Assert.Equal(all.Select(c => (c.Sequence, c.ItemId)), paged.Select(c => (c.Sequence, c.ItemId)));
        Assert.Equal(7, paged.Count);
        var late = Assert.Single(later);
        Assert.Equal("late", late.ItemId);
        Assert.True(late.Sequence > after, $"the new change {late.Sequence} must come after {after}");
    }

    [Fact]
    public async Task GetChangesAsync_OtherTenantsWrites_InvisibleButAdvanceTheLatestSequence()
    {
        string other = NewTenant();
        await Storage.Catalog.UpsertAsync(Tenant, [Item("mine")], Ct);
        await Storage.Catalog.UpsertAsync(other, [Item("theirs")], Ct);

        var mine = (await Storage.Catalog.GetChangesAsync(Tenant, 0, 100, Ct)).Value;
        var theirs = (await Storage.Catalog.GetChangesAsync(other, 0, 100, Ct)).Value;
        long latest = (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value;

        Assert.Equal(["mine"], mine.Select(c => c.ItemId));
        Assert.Equal(["theirs"], theirs.Select(c => c.ItemId));
        Assert.True(theirs[0].Sequence > mine[0].Sequence, $"{theirs[0].Sequence} vs {mine[0].Sequence}");
        Assert.Equal(theirs[0].Sequence, latest);
    }

    [Fact]
    public async Task DeleteAsync_Item_GoneFromReadsAndBackAfterAnUpsert()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("a"), Item("b")], Ct);

        Assert.True((await Storage.Catalog.DeleteAsync(Tenant, "a", Ct)).Value);

        Assert.Equal(ErrorCode.NotFound, (await Storage.Catalog.GetAsync(Tenant, "a", Ct)).Error?.Code);
        Assert.Equal(["b"], (await Storage.Catalog.ListAsync(Tenant, null, 10, Ct)).Value.Select(i => i.ItemId));
        Assert.Equal(1, (await Storage.Catalog.CountAsync(Tenant, Ct)).Value);

        await Storage.Catalog.UpsertAsync(Tenant, [Item("a", title: "back")], Ct);
        var change = (await Storage.Catalog.GetChangesAsync(Tenant, 0, 100, Ct)).Value[^1];
        Assert.Equal(("a", "back"), (change.ItemId, change.Item?.Title));
        Assert.Equal("back", (await Storage.Catalog.GetAsync(Tenant, "a", Ct)).Value.Title);
    }

    [Fact]
    public async Task DeleteAsync_UnknownItem_FalseAndNoChange()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("a")], Ct);
        long before = (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value;

        var deleted = await Storage.Catalog.DeleteAsync(Tenant, "never", Ct);

        Assert.False(deleted.Value);
        Assert.Equal(before, (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value);
        Assert.Equal(["a"], (await Storage.Catalog.GetChangesAsync(Tenant, 0, 100, Ct)).Value.Select(c => c.ItemId));
    }

    [Fact]
    public async Task FeedCalls_BadArguments_InvalidInput()
    {
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.GetChangesAsync(Tenant, -1, 10, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.GetChangesAsync(Tenant, 0, 0, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.GetChangesAsync(Tenant, 0, StorageLimits.MaxReadLimit + 1, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.GetChangesAsync("bad tenant", 0, 10, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.DeleteAsync(Tenant, "", Ct)).Error?.Code);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Catalog.DeleteAsync(Tenant, new string('x', StorageLimits.MaxIdLength + 1), Ct)).Error?.Code);
    }

    [Fact]
    public async Task GetLatestSequenceAsync_WhileWritersRace_NoChangeAtOrBelowItAppearsLater()
    {
        // What lets a reader keep only a cursor: once it has seen the latest sequence L, every change numbered up to L
        // is already readable. Each item is written once, so its final sequence is the one it was written with.
        await using var second = await OpenAsync();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? Storage : second;
            for (int i = 0; i < 20; i++)
            {
                Assert.True((await store.Catalog.UpsertAsync(Tenant, [Item($"w{w}-{i}")], Ct)).IsSuccess);
            }
        }, Ct)).ToArray();

        var observations = new List<(long Latest, HashSet<string> Seen)>();
        while (!writers.All(w => w.IsCompleted))
        {
            long latest = (await Storage.Catalog.GetLatestSequenceAsync(Ct)).Value;
            var seen = (await Storage.Catalog.GetChangesAsync(Tenant, 0, StorageLimits.MaxReadLimit, Ct)).Value.Select(c => c.ItemId).ToHashSet();
            observations.Add((latest, seen));
        }

        await Task.WhenAll(writers);
        var final = (await Storage.Catalog.GetChangesAsync(Tenant, 0, StorageLimits.MaxReadLimit, Ct)).Value;
        Assert.Equal(80, final.Count);
        foreach (var (latest, seen) in observations)
        {
            var missed = final.Where(c => c.Sequence <= latest && !seen.Contains(c.ItemId)).Select(c => $"{c.ItemId}@{c.Sequence}").ToList();
            Assert.True(missed.Count == 0, $"after latest = {latest} the feed lacked {string.Join(", ", missed)}");
        }
    }

    [Fact]
    public async Task WaitForChangeAsync_WriteThroughThisStore_ReturnsLongBeforeTheTimeout()
    {
        await Storage.Catalog.WaitForChangeAsync(TimeSpan.FromMilliseconds(200), Ct);
        var clock = Stopwatch.StartNew();
        var waiting = Storage.Catalog.WaitForChangeAsync(TimeSpan.FromSeconds(30), Ct).AsTask();

        await Storage.Catalog.UpsertAsync(Tenant, [Item("wake")], Ct);
        await waiting;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the wait returned after {clock.Elapsed}");
    }
}
