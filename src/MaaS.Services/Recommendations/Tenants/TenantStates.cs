using System.Threading.Channels;

namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// Every tenant's <see cref="TenantState"/>, created on first use with its catalogue and trending counts loaded from the
/// store (trending within the tenant's retention), each telling the registered <see cref="ITenantObserver"/>s of its changes. Thread-safe.
/// </summary>
internal sealed class TenantStates(
    ICatalogStore catalog, IEventStore events, CatalogueFeatures features, IOptions<RecommendationOptions> options, IOptions<RetentionOptions> retention,
    TimeProvider time, IEnumerable<ITenantObserver> observers)
{
    private readonly ConcurrentDictionary<string, TenantState> _states = new(StringComparer.Ordinal);
    private readonly ITenantObserver[] _observers = [.. observers];
    private readonly Channel<bool> _eventsStored = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ICollection<TenantState> All => _states.Values;

    /// <summary>The tenant's state once its catalogue is in memory.</summary>
    public ValueTask<TenantState> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var state = _states.GetOrAdd(tenant, static (t, owner) => owner.Create(t), this);
        var load = state.EnsureLoadedAsync(cancellationToken);
        return load.IsCompletedSuccessfully ? ValueTask.FromResult(state) : AwaitAsync(state, load);
    }

    /// <summary>
    /// Waits until this replica stored events (signals that come together wake it once) or <paramref name="timeout"/>
    /// passes; what the trending follower waits on between its polls.
    /// </summary>
    public async ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _eventsStored.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Wakes <see cref="WaitForEventsAsync"/> (another process's events, reported by the store's feed, too).</summary>
    public void EventsStored() => _eventsStored.Writer.TryWrite(true);

    private TenantState Create(string tenant) =>
        new(tenant, catalog, features, new TrendingCounts(tenant, events, options.Value.TrendingWindowHours, retention.Value.MaxAgeOf(tenant)), time, EventsStored, _observers);

    private static async ValueTask<TenantState> AwaitAsync(TenantState state, ValueTask load)
    {
        await load.ConfigureAwait(false);
        return state;
    }
}
