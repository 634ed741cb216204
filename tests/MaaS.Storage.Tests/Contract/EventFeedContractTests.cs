namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every store's event feed (<see cref="IEventStore.GetFeedHeadAsync"/>, <see cref="IEventStore.GetFeedAsync"/>):
/// what a follower folding the log into counts (trending) reads. Pages up to a head see each of the tenant's events
/// once, in order, from the window's start; a head is settled (nothing below it commits later, even with appends
/// racing it from two stores on one database); an erasure that removed events raises the tenant's erasure number.
/// </summary>
public abstract class EventFeedContractTests(IStorageSource source) : StorageTestBase(source)
{
    private async Task<EventFeedHead> HeadAsync(IStorage? storage = null)
    {
        var head = await (storage ?? Storage).Events.GetFeedHeadAsync(Ct);
        Assert.True(head.IsSuccess, head.ToString());
        return head.Value;
    }

    private async Task<(List<InteractionEvent> Events, long Last)> ReadAsync(IStorage storage, long after, long through, DateTimeOffset since, int limit = 3)
    {
        var events = new List<InteractionEvent>();
        while (true)
        {
            var page = await storage.Events.GetFeedAsync(Tenant, after, through, since, limit, Ct);
            Assert.True(page.IsSuccess, page.ToString());
            Assert.InRange(page.Value.Events.Count, 0, limit);
            events.AddRange(page.Value.Events);
            if (page.Value.Events.Count < limit)
            {
                return (events, page.Value.Last);
            }

            Assert.True(page.Value.Last > after, $"page after {after} ended at {page.Value.Last}");
            after = page.Value.Last;
        }
    }

    [Fact]
    public async Task GetFeedAsync_FromZeroToTheHead_EachEventSinceTheWindowOnceInArrivalOrder()
    {
        // Arrival order differs from time order: e3 is older than the window's start and e4 happened before e2.
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e1", item: "a", minutes: 10), Event("e2", item: "b", minutes: 30), Event("e3", item: "c", minutes: 1)], Ct)).IsSuccess);
        Assert.True((await Storage.Events.AppendAsync(NewTenant(), [Event("other", item: "x", minutes: 20)], Ct)).IsSuccess);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e4", item: "d", minutes: 20), Event("e5", item: "a", minutes: 40)], Ct)).IsSuccess);
        var head = await HeadAsync();

        var (events, last) = await ReadAsync(Storage, 0, head.Sequence, T0.AddMinutes(5), limit: 2);

        Assert.Equal([("e1", "a"), ("e2", "b"), ("e4", "d"), ("e5", "a")], events.Select(e => (e.EventId, e.ItemId)));
        Assert.Equal([T0.AddMinutes(10), T0.AddMinutes(30), T0.AddMinutes(20), T0.AddMinutes(40)], events.Select(e => e.Timestamp));
        Assert.InRange(last, 1, head.Sequence);
    }

    [Fact]
    public async Task GetFeedAsync_AfterTheLastRead_OnlyEventsAppendedSince()
    {
        Assert.True((await Storage.Events.AppendAsync(Tenant, Events(5), Ct)).IsSuccess);
        var first = await HeadAsync();
        var (before, last) = await ReadAsync(Storage, 0, first.Sequence, T0);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("late1", item: "n"), Event("e0", item: "dup"), Event("late2", item: "m")], Ct)).IsSuccess);
        var second = await HeadAsync();

        var (after, _) = await ReadAsync(Storage, last, second.Sequence, T0);
        var (nothing, end) = await ReadAsync(Storage, second.Sequence, second.Sequence, T0);

        Assert.Equal(5, before.Count);
        Assert.Equal([("late1", "n"), ("late2", "m")], after.Select(e => (e.EventId, e.ItemId)));
        Assert.True(second.Sequence > first.Sequence, $"{second.Sequence} after {first.Sequence}");
        Assert.Equal((0, second.Sequence), (nothing.Count, end));
    }

    [Fact]
    public async Task GetFeedAsync_LimitOutOfRange_InvalidRequest()
    {
        var result = await Storage.Events.GetFeedAsync(Tenant, 0, 10, T0, 0, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
    }

    [Fact]
    public async Task EraseUserAsync_EventsErased_TenantErasureNumberRisesAndTheFeedLosesThem()
    {
        string other = NewTenant();
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e1", user: "gone", item: "a"), Event("e2", user: "kept", item: "b"), Event("e3", user: "gone", item: "c")], Ct)).IsSuccess);
        Assert.True((await Storage.Events.AppendAsync(other, [Event("o1", user: "gone", item: "z")], Ct)).IsSuccess);
        var before = await HeadAsync();

        Assert.Equal(2, (await Storage.Events.EraseUserAsync(Tenant, "gone", Ct)).Value.EventsDeleted);
        var once = await HeadAsync();
        Assert.Equal(0, (await Storage.Events.EraseUserAsync(Tenant, "nobody", Ct)).Value.EventsDeleted);
        Assert.Equal(0, (await Storage.Events.EraseUserAsync(Tenant, "gone", Ct)).Value.EventsDeleted);
        var unchanged = await HeadAsync();
        Assert.Equal(1, (await Storage.Events.EraseUserAsync(Tenant, "kept", Ct)).Value.EventsDeleted);
        var twice = await HeadAsync();

        Assert.Equal((0L, 1L, 1L, 2L), (before.ErasuresOf(Tenant), once.ErasuresOf(Tenant), unchanged.ErasuresOf(Tenant), twice.ErasuresOf(Tenant)));
        Assert.Equal(0, twice.ErasuresOf(other));
        Assert.Empty((await ReadAsync(Storage, 0, twice.Sequence, T0)).Events);

        // Another store on the same database (another replica) reads the same numbers.
        await using var replica = await OpenAsync();
        Assert.Equal(2, (await HeadAsync(replica)).ErasuresOf(Tenant));
    }

    [Fact]
    public async Task GetFeedHeadAsync_AppendsFromTwoStoresRacingAFollower_EveryEventReadOnce()
    {
        await using var replica = await OpenAsync();
        const int Batches = 60, PerBatch = 5;
        using var done = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var store = (w % 2 == 0 ? Storage : replica).Events;
            for (int b = 0; b < Batches / 4; b++)
            {
                var batch = Enumerable.Range(0, PerBatch).Select(i => Event($"w{w}b{b}e{i}", user: $"u{w}", item: $"i{i}")).ToList();
                Assert.True((await store.AppendAsync(Tenant, batch, Ct)).IsSuccess);
            }
        }, Ct)).ToList();

        // The follower's loop: a settled head, then the pages up to it. Anything it passed over would never be read.
        var seen = new List<string>();
        long through = 0;
        async Task FollowAsync()
        {
            var head = await HeadAsync(replica);
            var (events, _) = await ReadAsync(replica, through, head.Sequence, T0.AddDays(-1), limit: 7);
            seen.AddRange(events.Select(e => e.EventId));
            through = head.Sequence;
        }

        while (!writers.TrueForAll(w => w.IsCompleted))
        {
            await FollowAsync();
        }

        await Task.WhenAll(writers);
        await FollowAsync();
        Assert.Equal(Batches * PerBatch, seen.Count);
        Assert.Equal(Batches * PerBatch, seen.Distinct().Count());
    }
}
