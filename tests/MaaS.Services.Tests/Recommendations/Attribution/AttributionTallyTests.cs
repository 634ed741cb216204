using MaaS.Services.Recommendations.Attribution;

namespace MaaS.Services.Tests.Recommendations.Attribution;

/// <summary>
/// The in-memory side of the attribution report: what the hot path counts per tenant and UTC hour, what a flush writes
/// to a real SQLite store, and that a failed write keeps the counts for the next flush.
/// </summary>
public sealed class AttributionTallyTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 15, 0, TimeSpan.Zero);

    private static RecommendedItemResponse Item(string source) => new("i", 1, source, null, null);

    private static InteractionEvent Event(string type, string? recommendationId) =>
        new("e", "u", "i", type, 1, Noon, recommendationId);

    [Fact]
    public void Drain_AnswersAndEventsOfTwoTenantsAndTwoHours_OneRowPerCountedNameThenZeros()
    {
        var clock = new ManualClock(Noon);
        using var tally = new AttributionTally(clock);

        tally.Served("a", [Item("neighbours"), Item("neighbours"), Item("popular"), Item("unknown-source")]);
        tally.Served("b", []);
        tally.Stored("a", [Event("play", "r1"), Event("bookmark", "r1"), Event("play", null)]);
        clock.Now = Noon.AddHours(1);
        tally.Served("a", [Item("content")]);

        var rows = tally.Drain().OrderBy(r => r.Tenant).ThenBy(r => r.Hour).ThenBy(r => r.Kind).ThenBy(r => r.Name).Select(r => (r.Tenant, r.Hour.Hour, r.Kind, r.Name, r.Count));

        Assert.Equal(
        [
            ("a", 12, "answers", "", 1L), ("a", 12, "attributed", "other", 1L), ("a", 12, "attributed", "play", 1L),
            ("a", 12, "served", "neighbours", 2L), ("a", 12, "served", "popular", 1L),
            ("a", 13, "answers", "", 1L), ("a", 13, "served", "content", 1L),
            ("b", 12, "answers", "", 1L),
        ], rows);
        Assert.Empty(tally.Drain());
    }

    /// <summary>
    /// Drains racing the hot path while every drain ages the hours past the previous one (each is then removed): a
    /// count added to an hour as a drain removes it must come out of some drain, once. Before the hours were retired
    /// with their writers waited for, counts added to a removed hour after its last take were lost.
    /// </summary>
    [Fact]
    public async Task ServedStoredAndDrain_Concurrently_WhileTheHoursAge_EveryCountDrainedExactlyOnce()
    {
        const int Writers = 4, Answers = 20_000;
        var clock = new SteppingClock(Noon);
        using var tally = new AttributionTally(clock);
        var drained = new List<RecommendationCount>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < Answers; i++)
            {
                tally.Served("t", [Item("popular"), Item("content")]);
                tally.Stored("t", [Event("play", "r")]);
            }
        }, TestCancellation.Ct)).ToArray();
        var all = Task.WhenAll(writers);
        int drains = 0;
        while (!all.IsCompleted)
        {
            clock.Step();
            drained.AddRange(tally.Drain());
            drains++;
        }
        await all;
        // Twice: the second ages the hours the writers last counted in, and finds nothing left of them.
        clock.Step();
        drained.AddRange(tally.Drain());
        clock.Step();
        drained.AddRange(tally.Drain());

        var totals = drained.GroupBy(r => (r.Kind, r.Name)).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
        long expected = (long)Writers * Answers;
        Assert.True(
            totals.GetValueOrDefault(("answers", "")) == expected && totals.GetValueOrDefault(("served", "popular")) == expected
            && totals.GetValueOrDefault(("served", "content")) == expected && totals.GetValueOrDefault(("attributed", "play")) == expected,
            $"expected {expected} of each after {drains} drains: {string.Join(", ", totals.Select(t => $"{t.Key.Kind}/{t.Key.Name}={t.Value}"))}");
    }

    /// <summary>
    /// /metrics reads its served and attributed totals from the tally (one count of each): a drain moves counts to the
    /// store's side and a failed write's restore moves them back, and neither changes the running totals a scrape sees.
    /// </summary>
    [Fact]
    public void ServedTotals_AcrossDrainAndRestore_RunningTotalsOfEverythingCounted()
    {
        var clock = new ManualClock(Noon);
        using var tally = new AttributionTally(clock);
        int popular = Array.IndexOf(AttributionNames.Sources, "popular"), play = Array.IndexOf(AttributionNames.Types, "play");

        tally.Served("a", [Item("popular"), Item("popular")]);
        tally.Stored("a", [Event("play", "r1")]);
        var before = (tally.ServedTotals()[popular], tally.AttributedTotals()[play]);
        var drained = tally.Drain();
        var afterDrain = (tally.ServedTotals()[popular], tally.AttributedTotals()[play]);
        tally.Restore(drained);
        clock.Now = Noon.AddHours(3);
        tally.Served("b", [Item("popular")]);
        var restored = tally.Drain();
        var afterRestore = (tally.ServedTotals()[popular], tally.AttributedTotals()[play]);

        Assert.Equal([(2L, 1L), (2L, 1L), (3L, 1L)], [before, afterDrain, afterRestore]);
        Assert.Equal(3L, restored.Where(r => r.Kind == "served").Sum(r => r.Count));
    }

    [Fact]
    public async Task FlushAsync_StoreRefusesThenAccepts_CountsKeptAndWrittenOnce()
    {
        using var folder = new TempFolder("maas-attribution-flush-");
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = folder["maas.db"] }, cancellationToken: TestCancellation.Ct);
        await using var storage = opened.Value;
        var clock = new ManualClock(Noon);
        using var tally = new AttributionTally(clock);
        var failing = new FailingOnce(storage);
        using var flusher = new AttributionFlusher(tally, failing, Options.Create(new RecommendationOptions()), clock, NullLogger<AttributionFlusher>.Instance);
        tally.Served("t", [Item("trending"), Item("trending")]);

        int first = await flusher.FlushAsync(TestCancellation.Ct);
        tally.Served("t", [Item("trending")]);
        int second = await flusher.FlushAsync(TestCancellation.Ct);

        Assert.Equal((0, 2), (first, second));
        var rows = (await storage.RecommendationCounts.ReadAsync("t", Noon.AddHours(-1), Noon.AddHours(1), TestCancellation.Ct)).Value;
        Assert.Equal([("answers", 2L), ("served", 3L)], rows.Select(r => (r.Kind, r.Count)));
    }

    [Theory]
    [InlineData("minute", null, null, "granularity")]
    [InlineData(null, "yesterday", null, "from")]
    [InlineData(null, null, "2026-13-01", "to")]
    [InlineData(null, "2026-12-08", "2026-12-07", "from")]
    [InlineData("hour", "2026-01-01", "2026-02-02", "to")]
    [InlineData("day", "2025-01-01", "2026-01-03", "to")]
    public void TryRange_BadParameter_InvalidNamingIt(string? granularity, string? from, string? to, string field)
    {
        var range = AttributionReports.TryRange(from, to, granularity, Noon);

        Assert.Equal(ErrorCode.InvalidRequest, range.Error?.Code);
        Assert.Equal(field, Assert.Single(range.Error!.Problems).Field);
    }

    [Fact]
    public void TryRange_Defaults_TheLast24HoursToTheEndOfTheCurrentHourOrTheLast30DaysByDay()
    {
        var hours = AttributionReports.TryRange(null, null, null, Noon).Value;
        var days = AttributionReports.TryRange(null, null, "day", Noon).Value;
        var widened = AttributionReports.TryRange("2026-12-07T08:30:00+01:00", "2026-12-07T09:00:00Z", null, Noon).Value;

        Assert.Equal((Noon.AddMinutes(-15).AddHours(-23), Noon.AddMinutes(45)), (hours.From, hours.To));
        Assert.Equal((new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero)), (days.From, days.To));
        Assert.Equal((new DateTimeOffset(2026, 12, 7, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero)), (widened.From, widened.To));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A clock that several threads read while one steps it an hour at a time (a DateTimeOffset field could tear).</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private long _hours;

        public void Step() => Interlocked.Increment(ref _hours);

        public override DateTimeOffset GetUtcNow() => start.AddHours(Interlocked.Read(ref _hours));
    }

    /// <summary>A real storage whose count store refuses its first write as an unavailable database would.</summary>
    private sealed class FailingOnce(IStorage inner) : IStorage, IRecommendationCountStore
    {
        private int _calls;

        public string Provider => inner.Provider;

        public IEventStore Events => inner.Events;

        public ICatalogStore Catalog => inner.Catalog;

        public IUserStore Users => inner.Users;

        public IApiKeyStore Keys => inner.Keys;

        public IModelMarketStore Market => inner.Market;

        public IAgentStore Agents => inner.Agents;

        public IJobStore Jobs => inner.Jobs;

        public IFileStore Files => inner.Files;

        public IRecommendationCountStore RecommendationCounts => this;

        public ValueTask<Result<int>> AddAsync(IReadOnlyList<RecommendationCount> counts, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == 1
                ? ValueTask.FromResult<Result<int>>(Error.Unavailable("down"))
                : inner.RecommendationCounts.AddAsync(counts, cancellationToken);

        public ValueTask<Result<IReadOnlyList<RecommendationCount>>> ReadAsync(string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
            inner.RecommendationCounts.ReadAsync(tenant, from, to, cancellationToken);

        public ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
            inner.RecommendationCounts.ListTenantsAsync(cancellationToken);

        public ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken = default) =>
            inner.RecommendationCounts.PurgeBeforeAsync(tenant, before, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
