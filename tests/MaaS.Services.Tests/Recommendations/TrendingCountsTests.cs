using MaaS.Recommendations;
using RecEvent = MaaS.Recommendations.Interactions.InteractionEvent;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// A tenant's trending counts over a real SQLite event log: each catch-up reads only the events after the last, hours
/// leave the window whole, an erasure makes the counts start again from the log, the serving index decides which
/// items are new, and a retention shorter than the window bounds it (over SQLite and PostgreSQL).
/// </summary>
public sealed class TrendingCountsTests
{
    private const string Tenant = RecommendationServices.Tenant;
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task CatchUpAsync_EventsStoredBetweenReads_EachReadFoldsOnlyTheNewOnes()
    {
        await using var services = await RecommendationServices.StartAsync();
        var counts = new TrendingCounts(Tenant, services.Get<IEventStore>(), windowHours: 24);
        await AppendAsync(services, ("a", -60), ("b", -60), ("a", -5));
        await CatchUpAsync(services, counts, Now);
        long firstRead = counts.EventsRead;

        await AppendAsync(services, ("b", -1), ("b", 0), ("c", 0));
        await CatchUpAsync(services, counts, Now);
        await CatchUpAsync(services, counts, Now);

        Assert.Equal((3L, 6L), (firstRead, counts.EventsRead));
        Assert.Equal([("b", 3), ("a", 2), ("c", 1)], Ranked(counts));
    }

    [Fact]
    public async Task CatchUpAsync_HoursLeaveTheWindow_TheirEventsStopCountingWithoutARead()
    {
        await using var services = await RecommendationServices.StartAsync();
        var counts = new TrendingCounts(Tenant, services.Get<IEventStore>(), windowHours: 2);

        // Now is 10:30: the window is 08:00 to now. 07:59 is out, 08:10 and 09:30 in, tomorrow's event counts as now.
        await AppendAsync(services, ("old", -151), ("a", -140), ("b", -60), ("b", -60), ("a", 0), ("future", 24 * 60));
        await CatchUpAsync(services, counts, Now);
        var before = Ranked(counts);
        long read = counts.EventsRead;
        await CatchUpAsync(services, counts, Now.AddMinutes(45));
        var anHourOn = Ranked(counts);
        await CatchUpAsync(services, counts, Now.AddHours(3));

        Assert.Equal([("a", 2), ("b", 2), ("future", 1)], before);
        Assert.Equal([("b", 2), ("a", 1), ("future", 1)], anHourOn);
        Assert.Empty(Ranked(counts));
        Assert.Equal(5, read);
        Assert.Equal(read, counts.EventsRead);
    }

    [Fact]
    public async Task CatchUpAsync_UserErased_CountsAgainWithoutTheirEvents()
    {
        await using var services = await RecommendationServices.StartAsync();
        var store = services.Get<IEventStore>();
        var counts = new TrendingCounts(Tenant, store, windowHours: 24);
        Assert.True((await store.AppendAsync(Tenant, [Event("gone", "a"), Event("gone", "a"), Event("kept", "a"), Event("kept", "b"), Event("gone", "c")], Ct)).IsSuccess);
        await CatchUpAsync(services, counts, Now);
        var before = Ranked(counts);

        Assert.Equal(3, (await store.EraseUserAsync(Tenant, "gone", Ct)).Value.EventsDeleted);
        await CatchUpAsync(services, counts, Now);

        Assert.Equal([("a", 3), ("b", 1), ("c", 1)], before);
        Assert.Equal([("a", 1), ("b", 1)], Ranked(counts));
        Assert.Equal(5 + 2, counts.EventsRead);
    }

    [Fact]
    public async Task Serving_IndexLearnsAnItem_ItLeavesTheNewItemsButStillTrends()
    {
        await using var services = await RecommendationServices.StartAsync();
        var counts = new TrendingCounts(Tenant, services.Get<IEventStore>(), windowHours: 24);
        counts.Serving(ItemIndex.Build([new RecEvent("u", "old", 1f, 0)], cancellationToken: Ct));
        await AppendAsync(services, ("old", 0), ("fresh", 0), ("fresh", 0));
        await CatchUpAsync(services, counts, Now);
        var newBefore = counts.Snapshot.NewItems.Select(p => (p.Key, p.Value)).ToList();

        counts.Serving(ItemIndex.Build([new RecEvent("u", "old", 1f, 0), new RecEvent("u", "fresh", 1f, 0)], cancellationToken: Ct));

        Assert.Equal([("fresh", 2)], newBefore);
        Assert.Empty(counts.Snapshot.NewItems);
        Assert.Equal([("fresh", 2), ("old", 1)], Ranked(counts));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CatchUpAsync_RetentionShorterThanTheWindow_OnlyEventsRetentionKeepsCount(string provider)
    {
        string schema = "maas_trend_ret_" + Guid.NewGuid().ToString("N")[..10];
        using var folder = new TempFolder("maas-trending-retention-");
        await using var storage = provider == "sqlite" ? await TestStorage.OpenSqliteAsync(folder["maas.db"]) : await TestStorage.OpenPostgresAsync(schema);
        try
        {
            // Now is 10:30; events are kept 2 hours, the window is 24: from 08:30 on, by the minute.
            var counts = new TrendingCounts(Tenant, storage.Events, windowHours: 24, retention: TimeSpan.FromHours(2));
            var stored = await storage.Events.AppendAsync(
                Tenant, [Event("u1", "purged", -180), Event("u2", "edge", -121), Event("u3", "kept", -120), Event("u4", "kept", -90), Event("u5", "recent", -10)], Ct);
            Assert.True(stored.IsSuccess, stored.ToString());
            var head = await HeadPastAsync(storage.Events, 5);
            Assert.True((await counts.CatchUpAsync(head, Now, Ct)).IsSuccess);
            var atNow = Ranked(counts);

            // Retention deletes what is older than two hours, as it would at 10:30 and then at 11:15; the counts have
            // already left those events out, and lose the 08:30 and 09:00 ones at 11:15 without a read.
            Assert.Equal(2, (await storage.Events.PurgeBeforeAsync(Tenant, Now.AddHours(-2), 100, Ct)).Value);
            head = (await storage.Events.GetFeedHeadAsync(Ct)).Value;
            Assert.True((await counts.CatchUpAsync(head, Now, Ct)).IsSuccess);
            var afterPurge = Ranked(counts);
            long read = counts.EventsRead;
            Assert.True((await counts.CatchUpAsync(head, Now.AddMinutes(45), Ct)).IsSuccess);
            var later = Ranked(counts);
            Assert.Equal(2, (await storage.Events.PurgeBeforeAsync(Tenant, Now.AddMinutes(45).AddHours(-2), 100, Ct)).Value);

            Assert.Equal([("kept", 2), ("recent", 1)], atNow);
            Assert.Equal(atNow, afterPurge);
            Assert.Equal([("recent", 1)], later);
            Assert.Equal(read, counts.EventsRead);
        }
        finally
        {
            if (provider == "postgres")
            {
                await TestStorage.DropPostgresSchemaAsync(schema);
            }
        }
    }

    [Fact]
    public async Task TenantStates_TenantRetentionShorterThanTheWindow_TrendingCountsOnlyWhatItKeeps()
    {
        // The tenant's own retention (Retention:Tenants) reaches its counts through the host's wiring.
        await using var services = await RecommendationServices.StartAsync(replace: s => s.Configure<RetentionOptions>(o => o.Tenants[Tenant] = TimeSpan.FromHours(2)));
        var now = DateTimeOffset.UtcNow;
        await services.AppendAtAsync(now.AddHours(-3), ("u1", "old", "play"), ("u2", "old", "play"));
        await services.AppendAtAsync(now.AddMinutes(-10), ("u3", "recent", "play"));

        var state = await services.Get<TenantStates>().GetAsync(Tenant, Ct);
        await services.FollowEventsAsync();

        Assert.Equal([("recent", 1)], state.RecentEvents.Select(p => (p.Key, p.Value)));
    }

    // PostgreSQL's head passes an event once every write transaction open on the server when it committed has ended
    // (other tests' among them): wait until the feed up to the head holds the tenant's events (30 s at most).
    private static async Task<EventFeedHead> HeadPastAsync(IEventStore store, int events)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var head = (await store.GetFeedHeadAsync(Ct)).Value;
            var page = await store.GetFeedAsync(Tenant, EventFeedCursor.Start, head.Position, DateTimeOffset.UnixEpoch, 100, Ct);
            if (page.Value.Events.Count >= events)
            {
                return head;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"after {clock.Elapsed} the head at {head.Position} has passed {page.Value.Events.Count} of {events} events");
            await Task.Delay(20, Ct);
        }
    }

    private static List<(string, int)> Ranked(TrendingCounts counts) => [.. counts.Snapshot.Ranked.Select(p => (p.Key, p.Value))];

    private static InteractionEvent Event(string user, string item, int minutes = 0) =>
        new(Guid.NewGuid().ToString("N"), user, item, "play", 1f, Now.AddMinutes(minutes));

    private static async Task AppendAsync(RecommendationServices services, params (string Item, int Minutes)[] events)
    {
        var stored = await services.Get<IEventStore>().AppendAsync(Tenant, [.. events.Select((e, i) => Event($"u{i}", e.Item, e.Minutes))], Ct);
        Assert.True(stored.IsSuccess, stored.ToString());
    }

    private static async Task CatchUpAsync(RecommendationServices services, TrendingCounts counts, DateTimeOffset now)
    {
        var head = await services.Get<IEventStore>().GetFeedHeadAsync(Ct);
        Assert.True(head.IsSuccess, head.ToString());
        var counted = await counts.CatchUpAsync(head.Value, now, Ct);
        Assert.True(counted.IsSuccess, counted.ToString());
    }
}
