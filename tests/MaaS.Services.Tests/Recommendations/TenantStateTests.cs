namespace MaaS.Services.Tests.Recommendations;

public sealed class TenantStateTests
{

    [Fact]
    public async Task CatchUpAsync_WritesRacingContentRebuilds_EveryItemInTheCatalogueAndItsContentIndex()
    {
        await using var services = await RecommendationServices.StartAsync();
        var store = services.Get<ICatalogStore>();
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        var ids = Enumerable.Range(0, 64).Select(i => $"item-{i:00}").ToArray();

        await Task.WhenAll(ids.Chunk(4).Select((batch, n) => Task.Run(async () =>
        {
            Assert.True((await store.UpsertAsync(RecommendationServices.Tenant, [.. batch.Select(Item)], Ct)).IsSuccess);
            if (n % 3 == 0)
            {
                state.RebuildContent();
            }
            else
            {
                Assert.True((await state.CatchUpAsync(0, Ct)).IsSuccess);
            }
        }, Ct)));
        await state.CatchUpAsync(0, Ct);

        var catalogue = state.Catalogue;
        Assert.Equal(ids, catalogue.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ids, catalogue.Content!.ItemIds.Order(StringComparer.Ordinal));
        Assert.Equal((await store.GetLatestSequenceAsync(Ct)).Value, catalogue.Sequence);
    }

    [Fact]
    public async Task CatchUpAsync_AnotherProcessWroteAndDeleted_CatalogueContentAndDeletedSetFollowTheStore()
    {
        await using var services = await RecommendationServices.StartAsync();
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        await using var other = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = services.DatabasePath }, cancellationToken: Ct)).Value;
        await other.Catalog.UpsertAsync(RecommendationServices.Tenant, [Item("kept"), Item("gone"), Item("back")], Ct);
        await other.Catalog.DeleteAsync(RecommendationServices.Tenant, "gone", Ct);
        await other.Catalog.DeleteAsync(RecommendationServices.Tenant, "back", Ct);
        await other.Catalog.UpsertAsync(RecommendationServices.Tenant, [Item("back")], Ct);
        Assert.Empty(state.Catalogue.Items);

        var caught = await state.CatchUpAsync(0, Ct);

        var catalogue = state.Catalogue;
        Assert.Equal((await other.Catalog.GetLatestSequenceAsync(Ct)).Value, caught.Value);
        Assert.Equal(["back", "kept"], catalogue.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["back", "kept"], catalogue.Content!.ItemIds.Order(StringComparer.Ordinal));
        Assert.Equal(["gone"], catalogue.Deleted);
    }

    [Fact]
    public async Task GetAsync_TenantLoadedAfterDeletes_LoadsTheFeedWithItsDeletions()
    {
        await using var services = await RecommendationServices.StartAsync();
        var store = services.Get<ICatalogStore>();
        await store.UpsertAsync("late", [Item("a"), Item("b")], Ct);
        await store.DeleteAsync("late", "a", Ct);

        var state = await services.Get<TenantStates>().GetAsync("late", Ct);

        Assert.True(state.IsLoaded);
        Assert.Equal(["b"], state.Catalogue.Items.Keys);
        Assert.Equal(["b"], state.Catalogue.Content!.ItemIds);
        Assert.Equal(["a"], state.Catalogue.Deleted);
    }

    [Fact]
    public async Task CatalogueFeedFollower_WriteByAnotherProcess_ServedWithinAPollInterval()
    {
        // Another process's write on the same file sends this one no signal: the poll alone must bring it in.
        await using var services = await RecommendationServices.StartAsync(o => o.CatalogueFeedPollSeconds = 0.2);
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        await using var other = (await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = services.DatabasePath }, cancellationToken: Ct)).Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await other.Catalog.UpsertAsync(RecommendationServices.Tenant, [Item("elsewhere")], Ct);
        while (state.Catalogue.Find("elsewhere") is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(state.Catalogue.Content!.TryGetItemIndex("elsewhere", out _), $"not in the content index after {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"a 0.2 s poll took {clock.Elapsed}");
    }

    [Fact]
    public async Task BeginBuildAsync_LeaseDisposedTwice_LetsOnlyOneWaitingBuildIn()
    {
        await using var services = await RecommendationServices.StartAsync();
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        var first = await state.BeginBuildAsync(Ct);
        var second = state.BeginBuildAsync(Ct).AsTask();
        var third = state.BeginBuildAsync(Ct).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose();
        using var running = await second;

        await Task.Delay(50, Ct);
        Assert.False(third.IsCompleted, "a lease released twice let two builds in");
        running.Dispose();
        (await third).Dispose();
    }

    private static CatalogItem Item(string id) => new(id, ItemKind.Game, "Title " + id, ["Puzzle"], [], null, null, null);
}
