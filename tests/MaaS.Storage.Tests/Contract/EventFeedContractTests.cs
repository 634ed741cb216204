namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every store's event feed (<see cref="IEventStore.GetFeedHeadAsync"/>, <see cref="IEventStore.GetFeedAsync"/>):
/// what a follower folding the log into counts (trending) reads. Pages up to a head see each of the tenant's events
/// once, in order, from the window's start; a head is settled (nothing below it commits later, even with appends
/// racing it from two stores on one database and appends whose transactions stay open a while); an erasure that
/// removed events raises the tenant's erasure number.
/// </summary>
public abstract class EventFeedContractTests(IStorageSource source) : StorageTestBase(source)
{
    /// <summary>The head as it is now: on PostgreSQL it may not yet have passed events committed just before.</summary>
    protected async Task<EventFeedHead> HeadNowAsync(IStorage? storage = null)
    {
        var head = await (storage ?? Storage).Events.GetFeedHeadAsync(Ct);
        Assert.True(head.IsSuccess, head.ToString());
        return head.Value;
    }

    /// <summary>
    /// A head past every event of the test's tenant committed so far. On PostgreSQL the head passes an event once every
    /// write transaction that was open on the server when it committed has ended (other tests' among them), so this
    /// waits for that: until the feed up to the head holds as many events as the tenant has (30 s at most).
    /// </summary>
    protected async Task<EventFeedHead> HeadAsync(IStorage? storage = null)
    {
        storage ??= Storage;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var head = await HeadNowAsync(storage);
            var stored = await storage.Events.CountAsync(Tenant, Ct);
            var (events, _) = await ReadAsync(storage, EventFeedCursor.Start, head.Position, DateTimeOffset.UnixEpoch, limit: 1_000);
            if (events.Count >= stored.Value)
            {
                return head;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"after {clock.Elapsed} the head at {head.Position} has passed {events.Count} of the tenant's {stored.Value} events");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>
    /// Appends <paramref name="batch"/> as the store's appends do, in a transaction that stays open for
    /// <paramref name="hold"/> after its rows are written (where the store can do that; otherwise a plain append).
    /// </summary>
    protected virtual async Task AppendHeldOpenAsync(IStorage storage, string tenant, IReadOnlyList<InteractionEvent> batch, TimeSpan hold, CancellationToken cancellationToken)
    {
        var stored = await storage.Events.AppendAsync(tenant, batch, cancellationToken);
        Assert.True(stored.IsSuccess, stored.ToString());
    }

    protected async Task<(List<FeedEvent> Events, EventFeedCursor Last)> ReadAsync(IStorage storage, EventFeedCursor after, long through, DateTimeOffset since, int limit = 3)
    {
        var events = new List<FeedEvent>();
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
            Assert.True(page.Value.Last.Commit < through, $"page through {through} ended at {page.Value.Last}");
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

        var (events, last) = await ReadAsync(Storage, EventFeedCursor.Start, head.Position, T0.AddMinutes(5), limit: 2);

        Assert.Equal(["a", "b", "d", "a"], events.Select(e => e.ItemId));
        Assert.Equal([T0.AddMinutes(10), T0.AddMinutes(30), T0.AddMinutes(20), T0.AddMinutes(40)], events.Select(e => e.Timestamp));
        Assert.True(last > EventFeedCursor.Start && last < head.Cursor, $"the last page ended at {last}, head {head.Cursor}");
    }

    [Fact]
    public async Task GetFeedAsync_AfterTheLastRead_OnlyEventsAppendedSince()
    {
        Assert.True((await Storage.Events.AppendAsync(Tenant, Events(5), Ct)).IsSuccess);
        var first = await HeadAsync();
        var (before, last) = await ReadAsync(Storage, EventFeedCursor.Start, first.Position, T0);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("late1", item: "n"), Event("e0", item: "dup"), Event("late2", item: "m")], Ct)).IsSuccess);
        var second = await HeadAsync();

        var (after, _) = await ReadAsync(Storage, last, second.Position, T0);
        var (again, _) = await ReadAsync(Storage, first.Cursor, second.Position, T0);
        var (nothing, end) = await ReadAsync(Storage, second.Cursor, second.Position, T0);

        Assert.Equal(5, before.Count);
        Assert.Equal(["n", "m"], after.Select(e => e.ItemId));
        Assert.Equal(["n", "m"], again.Select(e => e.ItemId));
        Assert.True(second.Position > first.Position, $"{second.Position} after {first.Position}");
        Assert.Equal((0, second.Cursor), (nothing.Count, end));
    }

    [Fact]
    public async Task GetFeedAsync_AppendsAfterTheNewestEventsWereErasedOrPurged_ComeAfterTheCursorThatPassedThem()
    {
        // A follower read past e1 and e2; an erasure then deletes the newest (e2), retention later every one left. What
        // is appended after each still comes after the follower's cursor: a position is never given twice.
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e1", user: "kept", item: "a"), Event("e2", user: "gone", item: "b")], Ct)).IsSuccess);
        var first = await HeadAsync();
        var (read, cursor) = await ReadAsync(Storage, EventFeedCursor.Start, first.Position, T0);
        Assert.Equal(1, (await Storage.Events.EraseUserAsync(Tenant, "gone", Ct)).Value.EventsDeleted);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e3", user: "new", item: "c")], Ct)).IsSuccess);
        var second = await HeadAsync();
        var (afterErasure, cursorAfterErasure) = await ReadAsync(Storage, cursor, second.Position, T0);
        Assert.Equal(2, (await Storage.Events.PurgeBeforeAsync(Tenant, T0.AddMinutes(1), 100, Ct)).Value);
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("e4", user: "new", item: "d", minutes: 2)], Ct)).IsSuccess);
        var third = await HeadAsync();
        var (afterPurge, _) = await ReadAsync(Storage, cursorAfterErasure, third.Position, T0);

        Assert.Equal(["a", "b"], read.Select(e => e.ItemId));
        Assert.Equal(["c"], afterErasure.Select(e => e.ItemId));
        Assert.Equal(["d"], afterPurge.Select(e => e.ItemId));
        Assert.True(third.Position > second.Position && second.Position > first.Position, $"heads {first.Position}, {second.Position}, {third.Position}");
    }

    [Fact]
    public async Task GetFeedAsync_LimitOutOfRange_InvalidRequest()
    {
        var result = await Storage.Events.GetFeedAsync(Tenant, EventFeedCursor.Start, 10, T0, 0, Ct);

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
        Assert.Empty((await ReadAsync(Storage, EventFeedCursor.Start, twice.Position, T0)).Events);

        // Another store on the same database (another replica) reads the same numbers.
        await using var replica = await OpenAsync();
        Assert.Equal(2, (await HeadAsync(replica)).ErasuresOf(Tenant));
    }

    [Fact]
    public async Task GetFeedHeadAsync_AppendsFromTwoStoresRacingAFollower_EveryEventReadOnce()
    {
        // Six writers on two stores (two replicas): two append as the store does, four hold their transaction open for
        // a random while after writing, so appends commit out of the order they drew their sequences in. A follower
        // that passed an event still open would never read it; one that read an event twice would count it twice.
        await using var replica = await OpenAsync();
        const int Writers = 6, BatchesPerWriter = 12, PerBatch = 4;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var storage = w % 2 == 0 ? Storage : replica;
            for (int b = 0; b < BatchesPerWriter; b++)
            {
                var batch = Enumerable.Range(0, PerBatch).Select(i => Event($"w{w}b{b}e{i}", user: $"u{w}", item: $"w{w}b{b}e{i}")).ToList();
                if (w < 2)
                {
                    Assert.True((await storage.Events.AppendAsync(Tenant, batch, Ct)).IsSuccess);
                }
                else
                {
                    await AppendHeldOpenAsync(storage, Tenant, batch, TimeSpan.FromMilliseconds(random.Next(0, 40)), Ct);
                }
            }
        }, Ct)).ToList();

        // The follower's loop: a settled head, then the pages up to it, from where the last read ended. Each event has
        // an item of its own, so the items read name the events.
        var seen = new List<string>();
        var read = EventFeedCursor.Start;
        long position = 0;
        async Task FollowAsync()
        {
            var head = await HeadNowAsync(replica);
            Assert.True(head.Position >= position, $"the head went back from {position} to {head.Position}");
            var (events, _) = await ReadAsync(replica, read, head.Position, T0.AddDays(-1), limit: 7);
            seen.AddRange(events.Select(e => e.ItemId));
            (read, position) = (head.Cursor, head.Position);
        }

        while (!writers.TrueForAll(w => w.IsCompleted))
        {
            await FollowAsync();
        }

        // Then until the head has passed every event (a write transaction elsewhere on the server holds it back).
        await Task.WhenAll(writers);
        var clock = Stopwatch.StartNew();
        do
        {
            await FollowAsync();
        }
        while (seen.Count < Writers * BatchesPerWriter * PerBatch && clock.Elapsed < TimeSpan.FromSeconds(30));
        var missing = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, BatchesPerWriter).SelectMany(b => Enumerable.Range(0, PerBatch).Select(i => $"w{w}b{b}e{i}")))
            .Except(seen).ToList();
        var twice = seen.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(missing.Count == 0 && twice.Count == 0, $"never read: [{string.Join(", ", missing)}]; read twice: [{string.Join(", ", twice)}]");
        Assert.Equal(Writers * BatchesPerWriter * PerBatch, seen.Count);
    }
}
