namespace MaaS.Services.Tests.Recommendations.Events;

/// <summary>
/// Read-your-writes through <see cref="UserHistoryCache"/> with a session token, over a real SQLite event store whose
/// change feed is scripted, so another replica's commit and its report land exactly where a test puts them.
/// </summary>
public sealed class UserHistoryCacheTests
{
    private const string Tenant = RecommendationServices.Tenant;
    private const string User = "u1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The report of a commit (the user's entry dropped, then the token marked applied) lands while the cache asks
    /// whether the token is applied: the answer must hold the commit. Asked after the entry was read, the entry from
    /// before the commit would answer (a replica in CI answered a history of 3 to the token of the 4th event).
    /// </summary>
    [Fact]
    public async Task GetAsync_ReportLandsWhileTheTokenIsChecked_AnswerHoldsTheCommit()
    {
        await using var services = await RecommendationServices.StartAsync();
        var feed = new ScriptedFeed();
        var store = new FeedOverride(services.Get<IEventStore>(), feed);
        var cache = NewCache(services, store);
        await AppendAsync(store, "i1");
        Assert.Equal(["i1"], await ItemsAsync(cache, null));

        // Another replica commits i2 and answers its client with token t2; the report reaches this process as the
        // client's request, carrying t2, is being answered.
        await AppendAsync(store, "i2");
        feed.OnNextCheck = () => feed.Report(Tenant, User, "t2");

        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, "t2"));
        Assert.Null(feed.OnNextCheck);
    }

    [Fact]
    public async Task GetAsync_TokenNotYetReported_StoreAnswersWhereTheCacheWithoutTokenWouldNot()
    {
        await using var services = await RecommendationServices.StartAsync();
        var feed = new ScriptedFeed();
        var store = new FeedOverride(services.Get<IEventStore>(), feed);
        var cache = NewCache(services, store);
        await AppendAsync(store, "i1");
        Assert.Equal(["i1"], await ItemsAsync(cache, null));
        await AppendAsync(store, "i2");

        // Not reported yet: without a token the cached entry answers; with one the store does.
        Assert.Equal(["i1"], await ItemsAsync(cache, null));
        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, "t2"));

        // What the store answered replaced the entry, and the report that comes later drops it: fresh both ways.
        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, null));
        feed.Report(Tenant, User, "t2");
        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, null));
        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, "t2"));
    }

    /// <summary>
    /// Every report leaves a drop, so another replica's users fill this one's cache: full, it removes the drops and
    /// keeps its live entries (it used to clear them all).
    /// </summary>
    [Fact]
    public async Task GetAsync_CacheFullOfDrops_SweepsThemAndKeepsLiveEntries()
    {
        await using var services = await RecommendationServices.StartAsync();
        var feed = new ScriptedFeed();
        var store = new FeedOverride(services.Get<IEventStore>(), feed);
        var cache = NewCache(services, store, entries: 4);
        await AppendAsync(store, "i1");
        Assert.Equal(["i1"], await ItemsAsync(cache, null));
        foreach (string other in new[] { "x1", "x2", "x3" })
        {
            feed.Report(Tenant, other, "t-" + other);
        }

        // The fifth key finds the cache full and sweeps; then an unreported commit of u1 shows whether u1's entry
        // survived (it answers without it) or was cleared with the rest (the store would answer with it).
        Assert.True((await cache.GetAsync(Tenant, "newcomer", null, Ct)).IsSuccess);
        await AppendAsync(store, "i2");
        Assert.Equal(["i1"], await ItemsAsync(cache, null));
    }

    /// <summary>
    /// A read that found no entry races a report of its user (the report leaves a drop) and a sweep that removes the
    /// drop before the read adds what it read: the add must not stay, or the history from before the commit would be
    /// served until it expires.
    /// </summary>
    [Fact]
    public async Task GetAsync_SweepRemovesTheDropOfAReadInFlight_ItsOlderHistoryIsNotKept()
    {
        await using var services = await RecommendationServices.StartAsync();
        var feed = new ScriptedFeed();
        var store = new FeedOverride(services.Get<IEventStore>(), feed);
        var cache = NewCache(services, store, entries: 3);
        await AppendAsync(store, "i1");
        store.AfterNextHistoryRead = async () =>
        {
            // After u1's read: another replica commits i2 for u1 and reports it, others' reports fill the cache, and
            // another user's read sweeps it (the drop of u1 with the rest).
            await AppendAsync(store, "i2");
            feed.Report(Tenant, User, "t2");
            feed.Report(Tenant, "x1", "t-x1");
            feed.Report(Tenant, "x2", "t-x2");
            Assert.True((await cache.GetAsync(Tenant, "newcomer", null, Ct)).IsSuccess);
        };

        Assert.Equal(["i1"], await ItemsAsync(cache, null));

        Assert.Null(store.AfterNextHistoryRead);
        Assert.Equal(["i1", "i2"], await ItemsAsync(cache, null));
    }

    private static UserHistoryCache NewCache(RecommendationServices services, IEventStore store, int entries = 100_000) =>
        new(store, Options.Create(new RecommendationOptions { HistoryCacheEntries = entries }), services.Get<EventWeights>(), TimeProvider.System);

    private static async Task AppendAsync(IEventStore store, string item)
    {
        var appended = await store.AppendAsync(Tenant, [new InteractionEvent(Guid.NewGuid().ToString("N"), User, item, "play", 1f, DateTimeOffset.UtcNow)], Ct);
        Assert.True(appended.IsSuccess, appended.Error?.Message);
    }

    private static async Task<string[]> ItemsAsync(UserHistoryCache cache, string? token)
    {
        var read = await cache.GetAsync(Tenant, User, token, Ct);
        Assert.True(read.IsSuccess, read.Error?.Message);
        return [.. read.Value.ItemIds.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A feed as PostgreSQL's behaves, driven by the test: always live, keys are the ids, and a report drops the
    /// user's entry before it marks the token applied. <see cref="OnNextCheck"/> runs inside the next
    /// <see cref="HasApplied"/>, before it answers.
    /// </summary>
    private sealed class ScriptedFeed : IUserChangeFeed
    {
        private readonly HashSet<string> _applied = new(StringComparer.Ordinal);
        private Action<string?, string?>? _subscriber;

        public Action? OnNextCheck { get; set; }

        public bool IsLive => true;

        public string KeyOf(string tenant, string userId) => userId;

        public void Subscribe(Action<string?, string?> changed) => _subscriber = changed;

        public bool HasApplied(string sessionToken)
        {
            var landing = OnNextCheck;
            OnNextCheck = null;
            landing?.Invoke();
            return _applied.Contains(sessionToken);
        }

        public void Report(string tenant, string userKey, string token)
        {
            _subscriber?.Invoke(tenant, userKey);
            _applied.Add(token);
        }
    }

    /// <summary>The real store with the scripted feed in place of its own.</summary>
    private sealed class FeedOverride(IEventStore inner, IUserChangeFeed feed) : IEventStore
    {
        public IUserChangeFeed UserChanges => feed;

        /// <summary>Runs once, after the next history read returned and before the caller sees it.</summary>
        public Func<Task>? AfterNextHistoryRead { get; set; }

        public ValueTask<Result<AppendResult>> AppendAsync(string tenant, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(tenant, events, cancellationToken);

        public async ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(string tenant, string userId, int limit, CancellationToken cancellationToken = default)
        {
            var read = await inner.GetUserHistoryAsync(tenant, userId, limit, cancellationToken);
            var after = AfterNextHistoryRead;
            AfterNextHistoryRead = null;
            if (after is not null)
            {
                await after();
            }

            return read;
        }

        public ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserEventsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
            inner.GetUserEventsAsync(tenant, userId, cancellationToken);

        public ValueTask<Result<IReadOnlyList<string>>> GetUserItemsAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
            inner.GetUserItemsAsync(tenant, userId, cancellationToken);

        public IAsyncEnumerable<IReadOnlyList<InteractionEvent>> StreamAllAsync(string tenant, DateTimeOffset? since = null, int batchSize = 5_000, CancellationToken cancellationToken = default) =>
            inner.StreamAllAsync(tenant, since, batchSize, cancellationToken);

        public ValueTask<Result<EraseResult>> EraseUserAsync(string tenant, string userId, CancellationToken cancellationToken = default) =>
            inner.EraseUserAsync(tenant, userId, cancellationToken);

        public ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
            inner.PurgeBeforeAsync(tenant, before, limit, cancellationToken);

        public ValueTask<Result<ResealProgress>> ResealAsync(int limit, CancellationToken cancellationToken = default) => inner.ResealAsync(limit, cancellationToken);

        public ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default) => inner.ListTenantsAsync(cancellationToken);

        public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) => inner.CountAsync(tenant, cancellationToken);
    }
}
