using MaaS.Recommendations;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Storage.Abstractions;
using RecEvent = MaaS.Recommendations.Interactions.InteractionEvent;

namespace MaaS.Services.Tests.Recommendations;

public sealed class TenantStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upsert_RacingRefreshes_EveryItemInTheCatalogueAndItsContentIndex()
    {
        await using var services = await RecommendationServices.StartAsync();
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        var ids = Enumerable.Range(0, 64).Select(i => $"item-{i:00}").ToArray();

        await Task.WhenAll(ids.Chunk(4).Select((batch, n) => Task.Run(() =>
        {
            var items = batch.Select(Item).ToList();
            if (n % 3 == 0)
            {
                state.Refresh(items);
            }
            else
            {
                state.Upsert(items);
            }
        }, Ct)));

        var catalogue = state.Catalogue;
        Assert.Equal(ids, catalogue.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ids, catalogue.Content!.ItemIds.Order(StringComparer.Ordinal));
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

    [Fact]
    public async Task NoteEvents_OnlyItemsTheServingIndexLacks_CountedUntilAnIndexKnowsThem()
    {
        await using var services = await RecommendationServices.StartAsync();
        var state = await services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);
        var serving = ItemIndex.Build([new RecEvent("u", "old", 1f, 0)], cancellationToken: Ct);

        state.NoteEvents([Event("old"), Event("fresh"), Event("fresh")], serving);

        Assert.True(state.IsDirty);
        Assert.Equal([KeyValuePair.Create("fresh", 2)], state.NewItemEvents);
        state.Serving(ItemIndex.Build([new RecEvent("u", "old", 1f, 0), new RecEvent("u", "fresh", 1f, 0)], cancellationToken: Ct));
        Assert.Empty(state.NewItemEvents);
    }

    private static CatalogItem Item(string id) => new(id, ItemKind.Game, "Title " + id, ["Puzzle"], [], null, null, null);

    private static InteractionEvent Event(string item) => new(Guid.NewGuid().ToString("N"), "user", item, "play", 1f, DateTimeOffset.UnixEpoch);
}
