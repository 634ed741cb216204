namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// Opens the store under test before each test and closes it after. Each test works in its own tenant, so tests
/// sharing a database never see each other's rows. A source that is <see cref="IDisposable"/> belongs to the test (a
/// SQLite file) and goes with it; a class fixture (the PostgreSQL server) is not, and outlives it.
/// </summary>
public abstract class StorageTestBase(IStorageSource source) : IAsyncLifetime
{
    private IStorage? _storage;

    protected string Tenant { get; } = NewTenant();

    protected IStorage Storage => _storage ?? throw new InvalidOperationException("not opened");

    /// <summary>Opens another store on the same database (the caller disposes it).</summary>
    protected ValueTask<IStorage> OpenAsync() => source.OpenAsync();

    public async ValueTask InitializeAsync() => _storage = await source.OpenAsync();

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        (source as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// A change written through another store on the same database (another replica) wakes <paramref name="wait"/> on
    /// this one long before its 30 s timeout. The first wait starts the listener, which signals once it is listening;
    /// the second consumes a signal left over.
    /// </summary>
    /// <param name="wait">This store's wait, with the timeout given.</param>
    /// <param name="write">The change, written through the other store.</param>
    protected async Task AssertOtherStoreWakesAsync(Func<IStorage, TimeSpan, ValueTask> wait, Func<IStorage, Task> write)
    {
        await using var other = await OpenAsync();
        await wait(Storage, TimeSpan.FromSeconds(10));
        await wait(Storage, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        var waiting = wait(Storage, TimeSpan.FromSeconds(30)).AsTask();

        await write(other);
        await waiting;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the notification took {clock.Elapsed}");
    }

    /// <summary>
    /// The tenant's events in the feed, read from the start up to a head that has passed <paramref name="expected"/> of
    /// them: on PostgreSQL the head passes an event once every write transaction open on the server when it committed
    /// has ended (other tests' among them), so this polls, 30 s at most.
    /// </summary>
    protected async Task<List<FeedEvent>> ReadFeedAsync(IStorage storage, int expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var head = await storage.Events.GetFeedHeadAsync(Ct);
            Assert.True(head.IsSuccess, head.ToString());
            var page = await storage.Events.GetFeedAsync(Tenant, EventFeedCursor.Start, head.Value.Position, DateTimeOffset.UnixEpoch, StorageLimits.MaxReadLimit, Ct);
            Assert.True(page.IsSuccess, page.ToString());
            if (page.Value.Events.Count >= expected)
            {
                return [.. page.Value.Events];
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"after {clock.Elapsed} the head at {head.Value.Position} has passed {page.Value.Events.Count} of {expected} events");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Closes the store and opens it again on the same database, as a restarted process would.</summary>
    protected async Task ReopenAsync()
    {
        await Storage.DisposeAsync();
        _storage = null;
        _storage = await source.OpenAsync();
    }
}
