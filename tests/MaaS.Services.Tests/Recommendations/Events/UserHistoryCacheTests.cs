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
        await using var world = await World.StartAsync();
        await world.AppendAsync("i1");
        Assert.Equal(["i1"], await world.ItemsAsync(null));

        // Another replica commits i2 and answers its client with token t2; the report reaches this process as the
        // client's request, carrying t2, is being answered.
        await world.AppendAsync("i2");
        world.Feed.OnNextCheck = () => world.Feed.Report(Tenant, User, "t2");

        Assert.Equal(["i1", "i2"], await world.ItemsAsync("t2"));
        Assert.Null(world.Feed.OnNextCheck);
    }

    [Fact]
    public async Task GetAsync_TokenNotYetReported_StoreAnswersWhereTheCacheWithoutTokenWouldNot()
    {
        await using var world = await World.StartAsync();
        await world.AppendAsync("i1");
        Assert.Equal(["i1"], await world.ItemsAsync(null));
        await world.AppendAsync("i2");

        // Not reported yet: without a token the cached entry answers; with one the store does.
        Assert.Equal(["i1"], await world.ItemsAsync(null));
        Assert.Equal(["i1", "i2"], await world.ItemsAsync("t2"));

        // What the store answered replaced the entry, and the report that comes later drops it: fresh both ways.
        Assert.Equal(["i1", "i2"], await world.ItemsAsync(null));
        world.Feed.Report(Tenant, User, "t2");
        Assert.Equal(["i1", "i2"], await world.ItemsAsync(null));
        Assert.Equal(["i1", "i2"], await world.ItemsAsync("t2"));
    }

    /// <summary>
    /// Every report leaves a drop, so another replica's users fill this one's cache: full, it removes the drops and
    /// keeps its live entries (it used to clear them all).
    /// </summary>
    [Fact]
    public async Task GetAsync_CacheFullOfDrops_SweepsThemAndKeepsLiveEntries()
    {
        await using var world = await World.StartAsync(4);
        await world.AppendAsync("i1");
        Assert.Equal(["i1"], await world.ItemsAsync(null));
        foreach (string other in new[] { "x1", "x2", "x3" })
        {
            world.Feed.Report(Tenant, other, "t-" + other);
        }

        // The fifth key finds the cache full and sweeps; then an unreported commit of u1 shows whether u1's entry
        // survived (it answers without it) or was cleared with the rest (the store would answer with it).
        Assert.True((await world.Cache.GetAsync(Tenant, "newcomer", null, Ct)).IsSuccess);
        await world.AppendAsync("i2");
        Assert.Equal(["i1"], await world.ItemsAsync(null));
    }

    /// <summary>
    /// A read that found no entry races a report of its user (the report leaves a drop) and a sweep that removes the
    /// drop before the read adds what it read: the add must not stay, or the history from before the commit would be
    /// served until it expires.
    /// </summary>
    [Fact]
    public async Task GetAsync_SweepRemovesTheDropOfAReadInFlight_ItsOlderHistoryIsNotKept()
    {
        await using var world = await World.StartAsync(3);
        await world.AppendAsync("i1");
        world.Store.AfterNextHistoryRead = async () =>
        {
            // After u1's read: another replica commits i2 for u1 and reports it, others' reports fill the cache, and
            // another user's read sweeps it (the drop of u1 with the rest).
            await world.AppendAsync("i2");
            world.Feed.Report(Tenant, User, "t2");
            world.Feed.Report(Tenant, "x1", "t-x1");
            world.Feed.Report(Tenant, "x2", "t-x2");
            Assert.True((await world.Cache.GetAsync(Tenant, "newcomer", null, Ct)).IsSuccess);
        };

        Assert.Equal(["i1"], await world.ItemsAsync(null));

        Assert.Null(world.Store.AfterNextHistoryRead);
        Assert.Equal(["i1", "i2"], await world.ItemsAsync(null));
    }

    /// <summary>A cache over the real SQLite store of a started service container, with the scripted feed in its place.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly RecommendationServices _services;

        private World(RecommendationServices services, int entries)
        {
            _services = services;
            Store = new FeedOverride(services.Get<IEventStore>(), Feed);
            Cache = new UserHistoryCache(Store, Options.Create(new RecommendationOptions { HistoryCacheEntries = entries }), services.Get<EventWeights>(), TimeProvider.System);
        }

        public ScriptedFeed Feed { get; } = new();

        public FeedOverride Store { get; }

        public UserHistoryCache Cache { get; }

        public static async Task<World> StartAsync(int entries = 100_000) => new(await RecommendationServices.StartAsync(), entries);

        /// <summary>Commits a play of <paramref name="item"/> by the user, as another replica would: nothing is reported.</summary>
        public async Task AppendAsync(string item)
        {
            var appended = await Store.AppendAsync(Tenant, [new InteractionEvent(Guid.NewGuid().ToString("N"), User, item, "play", 1f, DateTimeOffset.UtcNow)], Ct);
            Assert.True(appended.IsSuccess, appended.Error?.Message);
        }

        public async Task<string[]> ItemsAsync(string? token)
        {
            var read = await Cache.GetAsync(Tenant, User, token, Ct);
            Assert.True(read.IsSuccess, read.Error?.Message);
            return [.. read.Value.ItemIds.Order(StringComparer.Ordinal)];
        }

        public ValueTask DisposeAsync() => _services.DisposeAsync();
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
    private sealed class FeedOverride(IEventStore inner, IUserChangeFeed feed) : ForwardingEventStore(inner)
    {
        public override IUserChangeFeed UserChanges => feed;

        /// <summary>Runs once, after the next history read returned and before the caller sees it.</summary>
        public Func<Task>? AfterNextHistoryRead { get; set; }

        public override async ValueTask<Result<IReadOnlyList<InteractionEvent>>> GetUserHistoryAsync(string tenant, string userId, int limit, CancellationToken cancellationToken = default)
        {
            var read = await Inner.GetUserHistoryAsync(tenant, userId, limit, cancellationToken);
            var after = AfterNextHistoryRead;
            AfterNextHistoryRead = null;
            if (after is not null)
            {
                await after();
            }

            return read;
        }
    }
}
